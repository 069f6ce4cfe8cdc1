import { EMERGENCIES } from './bot-corpus.emergencies';
import { HOLDOUT } from './bot-corpus.holdout';
import { HOLDOUT2 } from './bot-corpus.holdout2';
import { HOLDOUT3 } from './bot-corpus.holdout3';
import { HOLDOUT4 } from './bot-corpus.holdout4';
import { HOLDOUT5 } from './bot-corpus.holdout5';
import { HOLDOUT6 } from './bot-corpus.holdout6';
import { HOLDOUT7 } from './bot-corpus.holdout7';
import { HOLDOUT8 } from './bot-corpus.holdout8';
import type { Case } from './bot-corpus.kit';
import { MORE } from './bot-corpus.more';
import { NO_OFFER } from './bot-corpus.no-offer';
import { REQUESTS } from './bot-corpus.requests';
import { VISITORS } from './bot-corpus.visitors';

export { NOW, type Case, type Expected } from './bot-corpus.kit';

/** The corpus by the file it is kept in: each file is one kind of message (see its header). */
export const CORPUS_FILES = {
  requests: REQUESTS,
  emergencies: EMERGENCIES,
  'no-offer': NO_OFFER,
  more: MORE,
  holdout: HOLDOUT,
  holdout2: HOLDOUT2,
  holdout3: HOLDOUT3,
  holdout4: HOLDOUT4,
  holdout5: HOLDOUT5,
  holdout6: HOLDOUT6,
  holdout7: HOLDOUT7,
  holdout8: HOLDOUT8,
  visitors: VISITORS,
} as const satisfies Record<string, readonly Case[]>;

export const CORPUS: readonly Case[] = Object.values(CORPUS_FILES).flat();
