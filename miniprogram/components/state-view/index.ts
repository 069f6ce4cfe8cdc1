import { T } from '../../utils/texts';

/** Loading, empty and error states, the same on every page: status is '', 'loading', 'empty' or 'error'. */
Component({
  properties: {
    status: { type: String, value: '' },
    message: { type: String, value: '' },
    large: { type: Boolean, value: false },
  },
  data: { loadingText: T.loading, retryText: T.retry },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
  },
});
