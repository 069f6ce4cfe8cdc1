import { understand, type Intent, type Understanding } from '../../server/language/understand';
import { CORPUS, NOW, type Case, type Expected } from './bot-corpus.data';

/**
 * The understanding module against a corpus of real phrasings. Accuracy, not perfection, is the bar: a few
 * phrasings are genuinely hard and stay in the corpus as misses rather than being bent to the rules.
 */
const MIN_ACCURACY = 0.95;

const ALL_INTENTS: readonly Intent[] = [
  'book_meal',
  'menu',
  'book_bath',
  'book_visit',
  'my_bookings',
  'cancel',
  'nearby',
  'emergency',
  'family_code',
  'pay_by_family',
  'rate',
  'human',
  'help',
  'confirm',
  'deny',
  'choose',
  'code',
];

type Slot = keyof Expected;

function sameSlot(slot: Slot, want: unknown, got: unknown): boolean {
  if (slot === 'diet' && Array.isArray(want) && Array.isArray(got)) {
    return want.length === got.length && [...want].sort().join('|') === [...got].sort().join('|');
  }
  return want === got;
}

interface Miss {
  text: string;
  expected: string;
  got: string;
}

function describeUnderstanding(intent: Intent, slots: Partial<Record<Slot, unknown>>): string {
  const parts = Object.entries(slots)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`);
  return [intent, ...parts].join(' ');
}

function check(kase: Case): Miss | undefined {
  const u: Understanding = understand(kase.text, NOW);
  const slots = Object.keys(kase.slots) as Slot[];
  const wrongSlots = slots.filter((slot) => !sameSlot(slot, kase.slots[slot], u[slot]));
  if (u.intent === kase.intent && wrongSlots.length === 0) return undefined;
  const gotSlots: Partial<Record<Slot, unknown>> = {};
  for (const slot of slots) gotSlots[slot] = u[slot];
  return {
    text: kase.text,
    expected: describeUnderstanding(kase.intent, kase.slots),
    got: describeUnderstanding(u.intent, gotSlots),
  };
}

describe('bot understanding on a corpus of real phrasings', () => {
  test('the corpus is large and covers every intent', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
    const seen = new Set(CORPUS.map((k) => k.intent));
    expect(ALL_INTENTS.filter((i) => !seen.has(i))).toEqual([]);
    const texts = CORPUS.map((k) => k.text);
    expect(texts.filter((t, i) => texts.indexOf(t) !== i)).toEqual([]);
  });

  test(`at least ${MIN_ACCURACY * 100}% of the corpus is understood (intent and every listed slot)`, () => {
    const misses = CORPUS.map(check).filter((m): m is Miss => m !== undefined);
    const accuracy = (CORPUS.length - misses.length) / CORPUS.length;
    console.log(
      `bot corpus: ${CORPUS.length - misses.length}/${CORPUS.length} understood (${(accuracy * 100).toFixed(1)}%)` +
        (misses.length ? '\n' + misses.map((m) => `  ${m.text}\n      expected: ${m.expected}\n      got:      ${m.got}`).join('\n') : ''),
    );
    if (misses.length) console.table(misses);
    expect(accuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
  });
});
