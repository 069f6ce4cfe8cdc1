/** Small typed wrappers over wx storage: the session and the large-text switch survive a restart. */
export const KEYS = {
  session: 'mulin.session',
  largeText: 'mulin.largeText',
} as const;

export function read<T>(key: string): T | undefined {
  try {
    const v = wx.getStorageSync(key) as T | '' | undefined;
    return v === '' || v === undefined || v === null ? undefined : (v as T);
  } catch {
    return undefined;
  }
}

export function write(key: string, value: unknown): void {
  try {
    wx.setStorageSync(key, value);
  } catch {
    // storage full or unavailable: the app still works for this run
  }
}

export function remove(key: string): void {
  try {
    wx.removeStorageSync(key);
  } catch {
    // nothing to do
  }
}
