import { reactive } from 'vue';
import { api, getToken, setToken } from './api/client';
import type { AccountView, LoginAnswer } from './api/types';

/** Who is signed in. The token lives in sessionStorage (a console session lasts 12 hours on the server). */
export const session = reactive<{ user: AccountView | null; loaded: boolean; mustChangePassword: boolean }>({
  user: null,
  loaded: false,
  mustChangePassword: false,
});

export function isAdmin(): boolean {
  return session.user?.roles.includes('admin') ?? false;
}
export function isStaff(): boolean {
  return session.user?.roles.includes('staff') ?? false;
}

/** POST /auth/password-login: the console's sign-in. Throws ApiError with the API's Chinese message. */
export async function signIn(username: string, password: string): Promise<LoginAnswer> {
  const answer = await api.post<LoginAnswer>('/auth/password-login', { username, password });
  setToken(answer.token);
  session.user = answer.account;
  session.loaded = true;
  // A one-time password (new account, or reset by an administrator): every route but POST /me/password, GET /me and
  // sign-out answers 403 PASSWORD_CHANGE_REQUIRED until it is changed.
  session.mustChangePassword = answer.mustChangePassword;
  return answer;
}

/** Reads GET /me once per page load when a token is kept. */
export async function loadSession(): Promise<void> {
  if (session.loaded) return;
  if (!getToken()) {
    session.loaded = true;
    return;
  }
  try {
    session.user = await api.get<AccountView>('/me');
  } catch {
    setToken(null);
    session.user = null;
  }
  session.loaded = true;
}

export async function signOut(): Promise<void> {
  try {
    if (getToken()) await api.post('/auth/logout');
  } catch {
    /* the session may be gone already */
  }
  setToken(null);
  session.user = null;
  session.mustChangePassword = false;
}
