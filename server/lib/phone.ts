const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}$/;

/**
 * A Chinese phone number as stored: an 11-digit mobile (spaces, dashes and a leading +86 removed) or a landline
 * with its area code (0571-87654321); null when the text is neither.
 */
export function normalizePhone(text: string): string | null {
  let t = text.replace(/[\s\u3000]/g, '');
  if (/^(\+?86)?1[\d-]+$/.test(t)) t = t.replace(/-/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
  return MOBILE.test(t) || LANDLINE.test(t) ? t : null;
}
