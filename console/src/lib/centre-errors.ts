import { fieldErrorsOf, messageOf } from '../api/client';

/**
 * A centre form's field messages (the add dialog and the edit form), keyed as the form shows them. The delivery
 * area's communities are named three ways by the API: `deliveryArea.communityIds` (and `.0`… for one item) by the
 * validation, `deliveryArea` for the whole object, `deliveryCommunityIds` by the service (the stored column); all go
 * under 送餐社区. The service's own field notes are for programs (English), so the error's Chinese message is shown instead.
 */
export function centreFieldMessages(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const chinese = /[\u4e00-\u9fff]/;
  for (const [k, v] of Object.entries(fieldErrorsOf(e))) {
    const key = k === 'deliveryCommunityIds' || k === 'deliveryArea' || k.startsWith('deliveryArea.communityIds') ? 'deliveryArea.communityIds' : k;
    out[key] ??= chinese.test(v) ? v : messageOf(e);
  }
  return out;
}
