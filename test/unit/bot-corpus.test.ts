import { OFFER_INTENTS, understand, type Intent, type Understanding } from '../../server/language/understand';
import { CORPUS, CORPUS_FILES, NOW, type Case, type Expected } from './bot-corpus.data';

/**
 * The understanding module against the project's corpus of phrasings (test/unit/bot-corpus.*.ts, one file per
 * kind). Three bars, all on every run: at least 97 % understood (intent and every listed slot), every emergency
 * recognised as one, and no message that asks for no booking read as a booking (that would be an offer).
 */
const MIN_ACCURACY = 0.97;

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
  'price',
  'lonely',
  'small_talk',
  'who_visits',
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

const read = new Map<string, Understanding>(CORPUS.map((k) => [k.text, understand(k.text, NOW)]));

function check(kase: Case): Miss | undefined {
  const u = read.get(kase.text)!;
  const slots = Object.keys(kase.slots) as Slot[];
  const wrongSlots = slots.filter((slot) => !sameSlot(slot, kase.slots[slot], u[slot]));
  if ((u.intent === kase.intent || u.intent === kase.alt) && wrongSlots.length === 0) return undefined;
  const gotSlots: Partial<Record<Slot, unknown>> = {};
  for (const slot of slots) gotSlots[slot] = u[slot];
  return {
    text: kase.text,
    expected: describeUnderstanding(kase.intent, kase.slots) + (kase.alt ? ` (or ${kase.alt})` : ''),
    got: describeUnderstanding(u.intent, gotSlots),
  };
}

const pct = (n: number, of: number) => `${n}/${of} (${((n / of) * 100).toFixed(1)}%)`;

describe('bot understanding on the corpus', () => {
  test('the corpus is large, covers every intent and every kind, and has no phrasing twice', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(700);
    expect(CORPUS.filter((k) => k.intent === 'emergency').length).toBeGreaterThanOrEqual(150);
    expect(CORPUS_FILES['no-offer'].length).toBeGreaterThanOrEqual(150);
    const seen = new Set(CORPUS.map((k) => k.intent));
    expect(ALL_INTENTS.filter((i) => !seen.has(i))).toEqual([]);
    const texts = CORPUS.map((k) => k.text);
    expect(texts.filter((t, i) => texts.indexOf(t) !== i)).toEqual([]);
    // An alternative is for genuinely two-way messages, and never an offer where none is expected.
    expect(CORPUS.filter((k) => k.alt && OFFER_INTENTS.has(k.alt) && !OFFER_INTENTS.has(k.intent)).map((k) => k.text)).toEqual([]);
  });

  test('every emergency is recognised as one, and a clear one is never only asked about', () => {
    const emergencies = CORPUS.filter((k) => k.intent === 'emergency');
    const missed = emergencies.filter((k) => read.get(k.text)!.intent !== 'emergency').map((k) => `${k.text} → ${read.get(k.text)!.intent}`);
    const hesitant = emergencies.filter((k) => k.slots.sure === true && read.get(k.text)!.sure !== true).map((k) => k.text);
    console.log(
      `bot corpus: emergencies recognised ${pct(emergencies.length - missed.length, emergencies.length)}; clear ones acted on at once: ${pct(emergencies.filter((k) => k.slots.sure === true).length - hesitant.length, emergencies.filter((k) => k.slots.sure === true).length)}`,
    );
    expect(missed).toEqual([]);
    expect(hesitant).toEqual([]);
  });

  test('no message that asks for no booking is read as one (no unwanted offer)', () => {
    const noOffer = CORPUS.filter((k) => !OFFER_INTENTS.has(k.intent));
    const offered = noOffer.filter((k) => OFFER_INTENTS.has(read.get(k.text)!.intent)).map((k) => `${k.text} → ${read.get(k.text)!.intent}`);
    console.log(
      `bot corpus: messages asking for no booking ${noOffer.length} (of them the no-offer file ${CORPUS_FILES['no-offer'].length}), offers made ${offered.length}`,
    );
    expect(offered).toEqual([]);
  });

  test(`at least ${MIN_ACCURACY * 100}% of the corpus is understood (intent and every listed slot), by kind`, () => {
    const byFile = Object.entries(CORPUS_FILES).map(([name, cases]) => {
      const misses = cases.map(check).filter((m): m is Miss => m !== undefined);
      return { name, cases: cases.length, misses };
    });
    const misses = byFile.flatMap((f) => f.misses);
    const accuracy = (CORPUS.length - misses.length) / CORPUS.length;
    console.log(
      `bot corpus: ${pct(CORPUS.length - misses.length, CORPUS.length)} understood\n` +
        byFile.map((f) => `  ${f.name.padEnd(12)} ${pct(f.cases - f.misses.length, f.cases)}`).join('\n') +
        (misses.length ? '\n' + misses.map((m) => `  ${m.text}\n      expected: ${m.expected}\n      got:      ${m.got}`).join('\n') : ''),
    );
    expect(accuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
  });
});
