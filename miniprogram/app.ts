import { login } from './utils/api';

App({
  onLaunch() {
    // Sign in early so the first page's requests find a session; a failure is retried by the first request.
    login().catch(() => undefined);
  },
});
