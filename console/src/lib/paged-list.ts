import { ref, type Ref } from 'vue';
import { messageOf } from '../api/client';
import type { Page } from '../api/types';

/**
 * A table fed by a list route (`limit` and `offset` in, `{items, total}` out): the rows of the page shown, the total,
 * the paging, and the loading and error states. `search()` goes back to the first page (new filters); `load()` reads
 * the page shown again. An error empties the table and says why.
 */
export function usePagedList<T>(fetch: (paging: { limit: number; offset: number }) => Promise<Page<T>>, size = 20) {
  const rows = ref([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const pageSize = ref(size);
  const loading = ref(false);
  const error = ref('');

  async function load(): Promise<void> {
    loading.value = true;
    error.value = '';
    try {
      const answer = await fetch({ limit: pageSize.value, offset: (page.value - 1) * pageSize.value });
      rows.value = answer.items;
      total.value = answer.total;
    } catch (e) {
      error.value = messageOf(e);
      rows.value = [];
      total.value = 0;
    } finally {
      loading.value = false;
    }
  }
  function search(): void {
    page.value = 1;
    void load();
  }
  return { rows, total, page, pageSize, loading, error, load, search };
}
