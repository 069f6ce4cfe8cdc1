import type { DeliveryMode } from '../../../entities';
import type { Understanding } from '../../language/understand';

/** What the bot is waiting for from one user. Stored as JSON in `bot_conversation`, so keep it small and plain. */
export type Pending =
  | { kind: 'menu' }
  | { kind: 'pick_senior'; seniorIds: number[]; then: Omit<Understanding, 'normalized'> }
  | { kind: 'pick_slot'; seniorId: number; slotIds: number[] }
  | { kind: 'confirm_booking'; seniorId: number; slotId: number; quantity: number; deliveryMode: DeliveryMode; note: string; nonce: string }
  | { kind: 'after_booking'; seniorId: number; bookingId: number }
  | { kind: 'pick_cancel'; seniorId: number; bookingIds: number[] }
  | { kind: 'confirm_cancel'; seniorId: number; bookingId: number }
  | { kind: 'rate'; seniorId: number; bookingId: number }
  | { kind: 'to_staff'; seniorId: number };

/** How long an offer or question stays open. */
export const PENDING_TTL_MS = 10 * 60_000;

export function isPending(v: Record<string, unknown> | null): v is Pending & Record<string, unknown> {
  return v !== null && typeof v.kind === 'string';
}
