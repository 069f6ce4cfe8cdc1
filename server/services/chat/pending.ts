import type { DeliveryMode } from '../../../entities';
import type { Intent, Understanding } from '../../language/understand';

/** What the bot is waiting for from one user. Stored as JSON in `bot_conversation`, so keep it small and plain. */
export type Pending =
  /** A numbered menu was shown: `choices` are what its numbers do (the help menu when absent). */
  | { kind: 'menu'; choices?: Intent[] }
  | { kind: 'pick_senior'; seniorIds: number[]; then: Omit<Understanding, 'normalized'> }
  | { kind: 'pick_slot'; seniorId: number; slotIds: number[] }
  /** "怎么吃？回 1 送到家，2 自己来拿…": nobody said, and there was no last time to go by. */
  | { kind: 'pick_mode'; seniorId: number; slotId: number; quantity: number; note: string; modes: DeliveryMode[] }
  | { kind: 'confirm_booking'; seniorId: number; slotId: number; quantity: number; deliveryMode: DeliveryMode; note: string; nonce: string }
  | { kind: 'after_booking'; seniorId: number; bookingId: number }
  | { kind: 'pick_cancel'; seniorId: number; bookingIds: number[] }
  | { kind: 'confirm_cancel'; seniorId: number; bookingId: number }
  | { kind: 'rate'; seniorId: number; bookingId: number }
  /** "是不是出事了？回 1 …": the emergency_check row says whether it is still waiting. */
  | { kind: 'check_emergency'; seniorId: number; checkId: number }
  /** The loneliness answer offered a call: "1" asks the centre to call. */
  | { kind: 'lonely'; seniorId: number }
  /** A person at the centre answers: the chat_handover row holds who and since when. */
  | { kind: 'handover'; seniorId: number; handoverId: number };

/** How long an offer or question stays open. */
export const PENDING_TTL_MS = 10 * 60_000;
/** A hand-over stays open this long after the last message either way; then the bot is back. */
export const HANDOVER_QUIET_MS = 30 * 60_000;
/** How long the hand-over's pending step is kept, so that the bot can still say it is back after a quiet while. */
export const HANDOVER_TTL_MS = 24 * 60 * 60_000;

export function isPending(v: Record<string, unknown> | null): v is Pending & Record<string, unknown> {
  return v !== null && typeof v.kind === 'string';
}

/** How long each step stays open. */
export function ttlOf(p: Pending): number {
  return p.kind === 'handover' ? HANDOVER_TTL_MS : PENDING_TTL_MS;
}
