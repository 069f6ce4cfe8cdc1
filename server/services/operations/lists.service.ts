import {
  DELIVERY_MODES,
  SERVICE_KIND_LABELS,
  type Booking,
  type BookingStatus,
  type Centre,
  type DeliveryMode,
  type Senior,
  type Slot,
} from '../../../entities';
import type { DeliveryListView, KitchenListView } from '../../contracts/api-types';
import { AppError } from '../../errors';
import type { Clock } from '../../lib/clock';
import { walkingMetres } from '../../lib/geo';
import { type TableColumn, toPrintableXlsx, XLSX_CONTENT_TYPE } from '../../lib/spreadsheet';
import { shanghaiTime } from '../../lib/time';
import type { CentreRepository } from '../../repositories/centre.repository';
import type { OperationsRepository } from '../../repositories/operations.repository';
import type { RegionRepository } from '../../repositories/region.repository';
import type { SeniorRepository } from '../../repositories/senior.repository';
import type { SlotRepository } from '../../repositories/slot.repository';
import { DELIVERY_HEADERS, KITCHEN_LINE_HEADERS, KITCHEN_SUMMARY_HEADERS, OPERATIONS_TEXTS as W } from '../../words/operations';
import { BOOKING_STATUS_LABELS, DELIVERY_MODE_LABELS } from '../../words/texts';
import type { AccessService } from '../access/access.service';
import type { Actor } from '../access/actor';

/** Portions the kitchen cooks and the round delivers: booked and not (yet) called off. */
const TO_SERVE: readonly BookingStatus[] = ['pending_confirmation', 'confirmed', 'served', 'rated'];

export interface DownloadFile {
  fileName: string;
  /** An ASCII name for clients that do not read RFC 5987's filename*. */
  asciiFileName: string;
  contentType: string;
  body: Buffer;
}

export interface ListsServiceDeps {
  clock: Clock;
  centres: CentreRepository;
  slots: SlotRepository;
  seniors: SeniorRepository;
  regions: RegionRepository;
  operations: OperationsRepository;
  access: AccessService;
}

/**
 * A senior's diet note as the kitchen groups portions: its parts ("少盐，软食" and "软食、少盐" are one group),
 * in one order, joined with 、; '' for none.
 */
export function dietGroup(notes: string): string {
  const parts = [...new Set(notes.split(/[，,、；;/\s]+/u).map((p) => p.trim()))].filter((p) => p.length > 0);
  return parts.sort().join('、');
}

/**
 * The day's lists for a centre's staff: what the kitchen cooks for a meal slot (portions by diet note and by how
 * they leave the kitchen) and the delivery round (addresses and phones, by community, nearest first), each as
 * JSON for the console and as an xlsx to print.
 */
export class ListsService {
  constructor(private readonly deps: ListsServiceDeps) {}

  async kitchenList(actor: Actor, slotId: number): Promise<KitchenListView> {
    const offer = await this.deps.slots.loadOffer(slotId);
    if (!offer) throw new AppError('SLOT_NOT_FOUND');
    const { slot, item, centre } = offer;
    this.deps.access.assertCanManageCentre(actor, centre);
    if (item.category !== 'meal') throw new AppError('KITCHEN_LIST_MEALS_ONLY');
    const [bookings, [menu]] = await Promise.all([
      this.deps.operations.slotBookings(slot.id, ['pending_payment', ...TO_SERVE]),
      this.deps.slots.menusFor([slot.id]),
    ]);
    const seniorOf = await this.seniorsOf(bookings);
    const cooking = bookings.filter((b) => b.status !== 'pending_payment');
    const unpaid = bookings.filter((b) => b.status === 'pending_payment');
    const lines = cooking
      .map((b) => {
        const senior = seniorOf.get(b.seniorId)!;
        return {
          bookingId: b.id,
          seniorName: senior.name,
          quantity: b.quantity,
          diet: dietGroup(senior.dietNotes),
          note: b.note,
          deliveryMode: b.deliveryMode,
          deliveryModeLabel: DELIVERY_MODE_LABELS[b.deliveryMode],
          status: b.status,
        };
      })
      .sort((a, b) => dietOrder(a.diet, b.diet) || a.seniorName.localeCompare(b.seniorName, 'zh'));
    const byDiet = tally(lines, (l) => l.diet)
      .map(([diet, portions]) => ({ diet, label: diet || W.noDiet, portions }))
      .sort((a, b) => b.portions - a.portions || dietOrder(a.diet, b.diet));
    const byDeliveryMode = tally(lines, (l) => l.deliveryMode)
      .map(([mode, portions]) => ({ mode: mode as DeliveryMode, label: DELIVERY_MODE_LABELS[mode as DeliveryMode], portions }))
      .sort((a, b) => DELIVERY_MODES.indexOf(a.mode) - DELIVERY_MODES.indexOf(b.mode));
    return {
      centre: { id: centre.id, name: centre.name },
      slot: {
        id: slot.id,
        date: slot.date,
        start: shanghaiTime(slot.startsAt),
        end: shanghaiTime(slot.endsAt),
        kind: item.kind,
        kindLabel: SERVICE_KIND_LABELS[item.kind],
        itemName: item.name,
      },
      menu: menu?.dishes ?? [],
      totalPortions: lines.reduce((n, l) => n + l.quantity, 0),
      byDiet,
      byDeliveryMode,
      awaitingPayment: { bookings: unpaid.length, portions: unpaid.reduce((n, b) => n + b.quantity, 0) },
      lines,
    };
  }

  async kitchenListFile(actor: Actor, slotId: number): Promise<DownloadFile> {
    const k = await this.kitchenList(actor, slotId);
    const title = W.kitchenTitle(k.centre.name, k.slot.date, k.slot.kindLabel, k.slot.start, k.slot.end);
    const subtitle = W.kitchenSubtitle(k.totalPortions, k.awaitingPayment.portions);
    const text = (header: string, width?: number): TableColumn => ({ header, kind: 'text', width });
    const count = (header: string): TableColumn => ({ header, kind: 'count', width: 8 });
    const [item, portions] = KITCHEN_SUMMARY_HEADERS;
    const summarySections = [
      ...(k.menu.length > 0 ? [{ heading: W.kitchenMenuHeading(k.menu.map((d) => d.name).join('、')), rows: [] }] : []),
      { heading: W.kitchenDietHeading, rows: k.byDiet.map((d) => [d.label, d.portions]) },
      { heading: W.kitchenModeHeading, rows: k.byDeliveryMode.map((m) => [m.label, m.portions]) },
    ];
    const [no, senior, qty, diet, mode, note, status] = KITCHEN_LINE_HEADERS;
    const body = await toPrintableXlsx(
      [
        {
          sheet: W.kitchenSummarySheet,
          title,
          subtitle,
          columns: [text(item, 36), count(portions)],
          sections: summarySections,
          totals: [W.total, k.totalPortions],
        },
        {
          sheet: W.kitchenLinesSheet,
          title,
          subtitle,
          columns: [count(no), text(senior, 12), count(qty), text(diet, 18), text(mode, 10), text(note, 24), text(status, 10)],
          sections: [
            {
              rows: k.lines.map((l, i) => [i + 1, l.seniorName, l.quantity, l.diet || W.noDiet, l.deliveryModeLabel, l.note, BOOKING_STATUS_LABELS[l.status]]),
            },
          ],
          totals: [W.total, '', k.totalPortions, '', '', '', ''],
        },
      ],
      this.deps.clock.now(),
    );
    return {
      fileName: W.kitchenFileName(k.centre.name, k.slot.date, k.slot.kindLabel),
      asciiFileName: W.kitchenAsciiFileName(k.slot.id),
      contentType: XLSX_CONTENT_TYPE,
      body,
    };
  }

  async deliveryList(actor: Actor, centreId: number, date: string, slotId?: number): Promise<DeliveryListView> {
    const centre = await this.deps.centres.findById(centreId);
    if (!centre) throw new AppError('CENTRE_NOT_FOUND');
    this.deps.access.assertCanManageCentre(actor, centre);
    const bookings = await this.deps.operations.deliveries(centre.id, date, TO_SERVE, slotId);
    const [seniorOf, slots] = await Promise.all([this.seniorsOf(bookings), this.deps.slots.findByIds([...new Set(bookings.map((b) => b.slotId))])]);
    const slotOf = new Map(slots.map((s) => [s.id, s]));
    const regions = await this.deps.regions.findByIds([...new Set([...seniorOf.values()].map((s) => s.regionId))]);
    const regionOf = new Map(regions.map((r) => [r.id, r]));
    const stops = bookings.map((b) => this.stop(centre, b, seniorOf.get(b.seniorId)!, slotOf.get(b.slotId)!));
    const groups = new Map<number, typeof stops>();
    for (const s of stops) {
      const regionId = seniorOf.get(s.senior.id)!.regionId;
      groups.set(regionId, [...(groups.get(regionId) ?? []), s]);
    }
    const far = (m: number | null) => m ?? Number.POSITIVE_INFINITY;
    const communities = [...groups]
      .map(([regionId, list]) => {
        list.sort(
          (a, b) =>
            far(a.distanceMetres) - far(b.distanceMetres) || a.senior.address.localeCompare(b.senior.address, 'zh') || a.slot.start.localeCompare(b.slot.start),
        );
        return {
          region: { id: regionId, name: regionOf.get(regionId)?.name ?? W.unknownCommunity },
          portions: list.reduce((n, s) => n + s.quantity, 0),
          stops: list,
        };
      })
      // Route order: the community whose nearest stop is nearest goes first, and so outwards.
      .sort((a, b) => far(a.stops[0].distanceMetres) - far(b.stops[0].distanceMetres) || a.region.name.localeCompare(b.region.name, 'zh'));
    return {
      centre: { id: centre.id, name: centre.name, address: centre.address },
      date,
      totalStops: stops.length,
      totalPortions: stops.reduce((n, s) => n + s.quantity, 0),
      communities,
    };
  }

  async deliveryListFile(actor: Actor, centreId: number, date: string, slotId?: number): Promise<DownloadFile> {
    const d = await this.deliveryList(actor, centreId, date, slotId);
    const [no, senior, phone, address, meal, qty, diet, note, distance, signed] = DELIVERY_HEADERS;
    const text = (header: string, width?: number): TableColumn => ({ header, kind: 'text', width });
    const count = (header: string, width = 8): TableColumn => ({ header, kind: 'count', width });
    let n = 0;
    const body = await toPrintableXlsx(
      [
        {
          sheet: W.deliverySheet,
          title: W.deliveryTitle(d.centre.name, d.date),
          subtitle: W.deliverySubtitle(d.totalStops, d.totalPortions, d.centre.address),
          columns: [
            count(no, 6),
            text(senior, 10),
            text(phone, 14),
            text(address, 34),
            text(meal, 14),
            count(qty, 6),
            text(diet, 14),
            text(note, 18),
            count(distance, 10),
            text(signed, 10),
          ],
          sections: d.communities.map((c) => ({
            heading: W.communityHeading(c.region.name, c.stops.length, c.portions),
            rows: c.stops.map((s) => [
              ++n,
              s.senior.name,
              s.senior.phone ?? '',
              s.senior.address,
              `${s.slot.kindLabel} ${s.slot.start}`,
              s.quantity,
              s.diet || W.noDiet,
              s.note,
              s.distanceMetres ?? '',
              '',
            ]),
          })),
          totals: [W.total, '', '', '', '', d.totalPortions, '', '', '', ''],
          landscape: true,
        },
      ],
      this.deps.clock.now(),
    );
    return {
      fileName: W.deliveryFileName(d.centre.name, d.date),
      asciiFileName: W.deliveryAsciiFileName(d.centre.id, d.date),
      contentType: XLSX_CONTENT_TYPE,
      body,
    };
  }

  /** One stop of the round. Phones whole: the round calls them at the door (the centre's own staff only). */
  private stop(centre: Centre, b: Booking, senior: Senior, slot: Slot): DeliveryListView['communities'][number]['stops'][number] {
    const located = senior.latitude !== null && senior.longitude !== null;
    return {
      bookingId: b.id,
      senior: { id: senior.id, name: senior.name, phone: senior.phone, address: senior.address },
      slot: { id: slot.id, start: shanghaiTime(slot.startsAt), end: shanghaiTime(slot.endsAt), kind: b.kind, kindLabel: SERVICE_KIND_LABELS[b.kind] },
      quantity: b.quantity,
      diet: dietGroup(senior.dietNotes),
      note: b.note,
      distanceMetres: located ? walkingMetres(centre.latitude, centre.longitude, senior.latitude!, senior.longitude!) : null,
      status: b.status,
    };
  }

  private async seniorsOf(bookings: Booking[]): Promise<Map<number, Senior>> {
    const seniors = await this.deps.seniors.findByIds([...new Set(bookings.map((b) => b.seniorId))]);
    return new Map(seniors.map((s) => [s.id, s]));
  }
}

/** Diet groups in one fixed order, the portions with no diet note last. */
function dietOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '' || b === '') return a === '' ? 1 : -1;
  return a < b ? -1 : 1;
}

/** Portions per key, in the order the keys first appear. */
function tally<T extends { quantity: number }>(rows: T[], key: (row: T) => string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(key(r), (counts.get(key(r)) ?? 0) + r.quantity);
  return [...counts];
}
