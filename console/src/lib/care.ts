import { computed, onMounted, ref } from 'vue';
import { api, messageOf } from '../api/client';
import type { CentreRecord, Page } from '../api/types';
import { isAdmin, session } from '../session';

export const HEALTH_LABELS: Record<string, string> = { good: '好', fair: '一般', poor: '差' };
export const MOOD_LABELS: Record<string, string> = { good: '好', fair: '一般', low: '低落' };
export const SAFETY_LABELS: Record<string, string> = { safe: '安全', attention: '有隐患', danger: '危险' };
export const CONSENT_LABELS: Record<string, string> = { senior: '老人本人', family: '家属代为' };
export const ESCALATION_LABELS: Record<number, string> = { 0: '', 1: '已告知站点', 2: '已上报街道' };

/** Minutes as hours, one decimal: 90 → "1.5". */
export function hours(minutes: number): string {
  return String(Math.round((minutes / 60) * 10) / 10);
}

/**
 * The centre a care page works on: a staff member's own; an administrator picks one of the centres under them
 * (the first, until they choose).
 */
export function useCentreChoice(onReady: () => void) {
  const centres = ref<CentreRecord[]>([]);
  const centreId = ref<number | null>(session.user?.centreId ?? null);
  const error = ref('');
  const admin = computed(() => isAdmin());
  onMounted(async () => {
    if (admin.value) {
      try {
        centres.value = (await api.get<Page<CentreRecord>>('/registry/centres', { limit: 200 })).items;
        centreId.value ??= centres.value[0]?.id ?? null;
      } catch (e) {
        error.value = messageOf(e);
      }
    }
    onReady();
  });
  return { centres, centreId, admin, error };
}
