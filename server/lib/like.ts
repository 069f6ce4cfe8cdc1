/**
 * A LIKE pattern that matches `text` literally (its % and _ escaped with `!`), for `… LIKE ? ESCAPE '!'`: the one
 * escape both MariaDB and SQLite read the same way (a backslash means something else in each one's string literals).
 */
export const LIKE_ESCAPE = "ESCAPE '!'";

function escape(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

export function likeContaining(text: string): string {
  return `%${escape(text)}%`;
}

export function likeEndingWith(text: string): string {
  return `%${escape(text)}`;
}

export function likeStartingWith(text: string): string {
  return `${escape(text)}%`;
}
