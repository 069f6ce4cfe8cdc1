import { errorText } from '../utils/api';
import { VIEW_TEXTS } from '../utils/texts';
import { largeText } from '../utils/ui';

/** What <state-view> shows above a page: nothing (''), 'loading', 'empty' (with message) or 'error' (with retry). */
export type PageStatus = '' | 'loading' | 'empty' | 'error';

/**
 * What every page has, in one place: the texts (`t`), large-text mode (`large`, read when the page is created)
 * and the state <state-view> shows (`state`, `message`), with one way to load that keeps them right: `loading()`.
 * A page lists it in `behaviors` and leaves the rest of its data and methods its own.
 */
export const pageState = Behavior({
  data: { t: VIEW_TEXTS, large: false, state: 'loading' as PageStatus, message: '' },
  lifetimes: {
    attached() {
      this.setData({ large: largeText() });
    },
  },
  methods: {
    /**
     * Runs a page's load. While it runs the page shows `first`: 'loading' unless the page says otherwise (a list
     * that is already on screen passes ''), or null to leave what is shown (a reload under a booking already
     * drawn). If it fails, the error in plain words, with the retry button that calls the page's `load` again.
     */
    async loading(work: () => Promise<void>, first: PageStatus | null = 'loading'): Promise<void> {
      if (first !== null) this.setData({ state: first });
      try {
        await work();
      } catch (err) {
        this.setData({ state: 'error', message: errorText(err) });
      }
    },
  },
});

/** The state once a list has loaded: the list itself, or `emptyText` when there is nothing in it. */
export function listState(count: number, emptyText: string): { state: PageStatus; message: string } {
  return count ? { state: '', message: '' } : { state: 'empty', message: emptyText };
}
