/**
 * Word lists compiled once into one alternation each. Longer words come first, so at any position the longest
 * listed word wins ("不好吃" before "好吃", "大后天" before "后天").
 */
export interface Lexicon<V> {
  /** Global; use with String.prototype.replace (which resets lastIndex) or through `firstIn`. */
  readonly re: RegExp;
  readonly values: ReadonlyMap<string, V>;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `table` rows are [value, 'word word word'] (words separated by spaces). `before`/`after` are zero-width
 * conditions put around the whole alternation (look-behinds and look-aheads), so the matched text is the word.
 */
export function lexicon<V>(table: ReadonlyArray<readonly [V, string]>, before = '', after = ''): Lexicon<V> {
  const values = new Map<string, V>();
  for (const [value, words] of table) {
    for (const word of words.split(/\s+/)) if (word && !values.has(word)) values.set(word, value);
  }
  const alternation = [...values.keys()]
    .sort((a, b) => b.length - a.length)
    .map(escapeRe)
    .join('|');
  return { re: new RegExp(`${before}(?:${alternation})${after}`, 'g'), values };
}

/** The first listed word in `text` and its value, or undefined. */
export function firstIn<V>(lex: Lexicon<V>, text: string): { word: string; value: V; index: number } | undefined {
  lex.re.lastIndex = 0;
  const m = lex.re.exec(text);
  lex.re.lastIndex = 0;
  return m ? { word: m[0], value: lex.values.get(m[0]) as V, index: m.index } : undefined;
}

/** Replaces every listed word with `_` (so later rules no longer see it), calling `seen` for each in order. */
export function consume<V>(lex: Lexicon<V>, text: string, seen: (value: V, word: string) => void): string {
  return text.replace(lex.re, (word: string) => {
    seen(lex.values.get(word) as V, word);
    return '_';
  });
}
