import { Centre, ServiceItem, type ServiceCategory } from '../../entities';
import type { Database, Tx } from '../db/database';
import { BatchLoader } from '../lib/batch-loader';
import { FreshReads, type Freshness } from '../lib/fresh-reads';

export class CentreRepository {
  private readonly centreLoader = new BatchLoader<number, Centre>(async (ids) => new Map((await this.findByIds(ids)).map((c) => [c.id, c])));
  private readonly itemLoader = new BatchLoader<number, ServiceItem>(async (ids) => new Map((await this.findItemsByIds(ids)).map((i) => [i.id, i])));

  private readonly itemsOfCentre = new BatchLoader<number, ServiceItem[]>(async (centreIds) => {
    const rows = await this.db.rows(ServiceItem).findIn(this.db.manager, 'centreId', centreIds, 'ORDER BY id');
    return new Map(centreIds.map((c) => [c, rows.filter((i) => i.centreId === c && i.active)]));
  });

  // Centres and their items are reference data, read with nearly every bot message and changed by hand now and
  // then: reads are shared for a moment (FreshReads) on top of being coalesced.
  private readonly recentCentres: FreshReads<number, Centre | undefined>;
  private readonly recentItems: FreshReads<number, ServiceItem[] | undefined>;
  private readonly recentActive: FreshReads<ServiceCategory | undefined, Centre[]>;

  constructor(
    private readonly db: Database,
    freshness: Freshness,
  ) {
    this.recentCentres = new FreshReads((id) => this.centreLoader.load(id), freshness);
    this.recentItems = new FreshReads((id) => this.itemsOfCentre.load(id), freshness);
    this.recentActive = new FreshReads((category) => this.queryActive(category), freshness);
  }

  /** Call after committing a change to centres or their items: this instance's next reads see it. */
  changed(): void {
    this.recentCentres.changed();
    this.recentItems.changed();
    this.recentActive.changed();
  }

  /** By id, shared for a moment and coalesced (FreshReads over a BatchLoader). The entity is shared: read only. */
  async load(id: number): Promise<Centre | null> {
    return (await this.recentCentres.get(id)) ?? null;
  }

  /** A service item by id, coalesced like `load`. */
  async loadItem(id: number): Promise<ServiceItem | null> {
    return (await this.itemLoader.load(id)) ?? null;
  }

  findById(id: number, em: Tx = this.db.manager): Promise<Centre | null> {
    return em.findOneBy(Centre, { id });
  }

  findByIds(ids: number[]): Promise<Centre[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.rows(Centre).findIn(this.db.manager, 'id', ids);
  }

  /** Active centres, optionally only those offering a category of service, shared like `load`. A district has
   *  tens to a few hundred centres, so distance is computed in memory rather than in dialect-specific SQL. */
  findActive(category?: ServiceCategory): Promise<Centre[]> {
    return this.recentActive.get(category);
  }

  private queryActive(category?: ServiceCategory): Promise<Centre[]> {
    // Plain SQL (EntityRows): "附近有什么" and every location message list the active centres.
    return category
      ? this.db
          .rows(Centre)
          .find(this.db.manager, 'WHERE active = 1 AND id IN (SELECT centreId FROM service_item WHERE category = ? AND active = 1) ORDER BY id', [category])
      : this.db.rows(Centre).find(this.db.manager, 'WHERE active = 1 ORDER BY id', []);
  }

  /** A centre's active items, shared like `load`. Shared entities: read only. */
  async serviceItems(centreId: number): Promise<ServiceItem[]> {
    return (await this.recentItems.get(centreId)) ?? [];
  }

  findItemsByIds(ids: number[]): Promise<ServiceItem[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.rows(ServiceItem).findIn(this.db.manager, 'id', ids);
  }
}
