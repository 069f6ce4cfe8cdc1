import type { EntityManager } from 'typeorm';
import {
  Account,
  Centre,
  FamilyLink,
  Menu,
  Region,
  Senior,
  ServiceItem,
  Slot,
  SlotTemplate,
  SubsidyPolicy,
  type SeniorCategory,
  type ServiceKind,
} from '../../../entities';
import type { Clock } from '../../lib/clock';
import { hashPassword } from '../../lib/password';
import { addDays, shanghaiDate } from '../../lib/time';
import type { Database } from '../database';
import { slotOn, type SlotPattern } from '../../services/catalogue/slot-templates';
import {
  ADMINS,
  CENTRES,
  FAMILY,
  FEMALE_NAMES,
  HOME_CENTRE,
  HOME_VISIT_WORKERS,
  MALE_NAMES,
  NAMED_SENIORS,
  POLICIES,
  REGIONS,
  SURNAMES,
  dishesFor,
  type RegionKey,
} from './demo-data';

export const DEMO_SENIOR_COUNT = 48;
export const DEMO_DAYS = 7;

export interface SeedResult {
  seeded: boolean;
  /** The password of every demo console account, generated for this database (never committed). */
  consolePassword?: string;
  consoleUsernames?: string[];
}

/** A small deterministic PRNG, so every fresh demo database holds the same people. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SlotTimes {
  start: string;
  end: string;
  /** Booking and cancel cut-offs: days before the service day, and the time on that day. */
  bookBy: [number, string];
  cancelBy: [number, string];
}

const MEAL_TIMES: Partial<Record<ServiceKind, SlotTimes>> = {
  lunch: { start: '11:00', end: '12:30', bookBy: [0, '09:30'], cancelBy: [0, '09:00'] },
  dinner: { start: '17:00', end: '18:30', bookBy: [0, '15:00'], cancelBy: [0, '14:30'] },
};
const BATH_STARTS = ['09:00', '09:45', '10:30', '14:00', '14:45'];
/** Baths on Tuesdays and Fridays (流动助浴 days at the street centre). */
const BATH_WEEKDAYS = [2, 5];
const VISIT_WINDOWS: Array<[string, string]> = [
  ['08:30', '11:30'],
  ['13:30', '16:30'],
];

/** The weekly patterns of one service item: meals every day, baths on bath days, visits per worker Mon–Sat. */
function patternsFor(item: ServiceItem, kind: ServiceKind, capacity: number): SlotPattern[] {
  const pattern = (weekdays: number[], t: SlotTimes, workerName = ''): SlotPattern => ({
    centreId: item.centreId,
    serviceItemId: item.id,
    weekdays: weekdays.map(String),
    startTime: t.start,
    endTime: t.end,
    capacity,
    workerName,
    bookingCutoffDays: t.bookBy[0],
    bookingCutoffTime: t.bookBy[1],
    cancelCutoffDays: t.cancelBy[0],
    cancelCutoffTime: t.cancelBy[1],
  });
  const meal = MEAL_TIMES[kind];
  if (meal) return [pattern([1, 2, 3, 4, 5, 6, 7], meal)];
  if (kind === 'bath')
    return BATH_STARTS.map((start) => pattern(BATH_WEEKDAYS, { start, end: plusMinutes(start, 45), bookBy: [1, '17:00'], cancelBy: [1, '17:00'] }));
  return (HOME_VISIT_WORKERS[kind] ?? []).flatMap((worker) =>
    VISIT_WINDOWS.map(([start, end]) => pattern([1, 2, 3, 4, 5, 6], { start, end, bookBy: [1, '18:00'], cancelBy: [1, '18:00'] }, worker)),
  );
}

function plusMinutes(time: string, minutes: number): string {
  const [h, m] = time.split(':').map(Number);
  const total = h * 60 + m + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * Seeds the demo district once: regions, centres ("1+X"), services, a week of slots with menus, ~50 seniors,
 * subsidy policies, staff, admins and family links. Does nothing when the database already has regions.
 */
export async function seedDemo(db: Database, clock: Clock, opts: { consolePassword?: string } = {}): Promise<SeedResult> {
  if ((await db.manager.count(Region)) > 0) return { seeded: false };
  const consolePassword = opts.consolePassword ?? `mulin-${Math.random().toString(36).slice(2, 10)}`;
  const passwordHash = await hashPassword(consolePassword);
  const now = clock.now();
  const today = shanghaiDate(now);
  const rand = prng(20261125);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

  const usernames = await db.transaction(async (em: EntityManager) => {
    const regions = new Map<RegionKey, Region>();
    for (const r of REGIONS) {
      const parent = r.parent ? regions.get(r.parent)! : null;
      const saved = await em.save(Region, em.create(Region, { name: r.name, level: r.level, parentId: parent?.id ?? null, path: '', createdAt: now }));
      saved.path = `${parent?.path ?? '/'}${saved.id}/`;
      regions.set(r.key, await em.save(Region, saved));
    }

    const centres = new Map<string, Centre>();
    const account = (a: Partial<Account>): Account =>
      em.create(Account, {
        mpOpenid: null,
        miniOpenid: null,
        unionid: null,
        username: null,
        passwordHash: null,
        phone: null,
        seniorId: null,
        centreId: null,
        regionId: null,
        regionPath: null,
        active: true,
        createdAt: now,
        updatedAt: now,
        ...a,
      } as Account);
    const usernames: string[] = [];

    for (const c of CENTRES) {
      const region = regions.get(c.region)!;
      const centre = await em.save(
        Centre,
        em.create(Centre, {
          name: c.name,
          kind: c.kind,
          regionId: region.id,
          regionPath: region.path,
          parentId: c.parent ? centres.get(c.parent)!.id : null,
          address: c.address,
          latitude: c.lat,
          longitude: c.lng,
          opensAt: c.hours[0],
          closesAt: c.hours[1],
          phone: c.phone,
          autoConfirm: c.autoConfirm,
          active: true,
          createdAt: now,
        }),
      );
      centres.set(c.key, centre);
      await em.save(
        Account,
        account({
          displayName: `${c.staff.name}（${c.name}）`,
          roles: ['staff'],
          username: c.staff.username,
          passwordHash,
          phone: c.staff.phone,
          centreId: centre.id,
          miniOpenid: `o_${c.staff.username.replace(/-/g, '_')}`,
        }),
      );
      usernames.push(c.staff.username);

      const slots: Array<Omit<Slot, 'id'>> = [];
      const menus: Array<{ index: number; day: number; kind: ServiceKind }> = [];
      for (const spec of c.items) {
        const item = await em.save(
          ServiceItem,
          em.create(ServiceItem, {
            centreId: centre.id,
            category: spec.category,
            kind: spec.kind,
            name: spec.name,
            description: spec.description ?? '',
            priceFen: spec.priceFen,
            deliveryModes: spec.modes,
            maxQuantity: spec.maxQuantity,
            active: true,
            createdAt: now,
          }),
        );
        // The week repeats from templates (the slots-ahead job keeps making slots from them); the demo's first
        // week is made from them here, today's slots included even where booking has closed.
        const patterns = patternsFor(item, spec.kind, spec.capacity);
        await em.save(
          SlotTemplate,
          patterns.map((p) => em.create(SlotTemplate, { ...p, active: true, createdByAccountId: null, createdAt: now, updatedAt: now })),
        );
        for (let d = 0; d < DEMO_DAYS; d++) {
          for (const p of patterns) {
            const slot = slotOn(p, addDays(today, d), now);
            if (!slot) continue;
            if (MEAL_TIMES[spec.kind]) menus.push({ index: slots.length, day: d, kind: spec.kind });
            slots.push(slot);
          }
        }
      }
      const saved = await em.save(
        Slot,
        slots.map((s) => em.create(Slot, s)),
        { chunk: 100 },
      );
      await em.save(
        Menu,
        menus.map((m) => em.create(Menu, { slotId: saved[m.index].id, dishes: dishesFor(m.day, m.kind), note: '', createdAt: now })),
        { chunk: 100 },
      );
    }

    const seniors = new Map<string, Senior>();
    const communities = Object.keys(HOME_CENTRE) as RegionKey[];
    const people = [...NAMED_SENIORS];
    const used = new Set(people.map((p) => p.name));
    const categoryPool: SeniorCategory[][] = [
      [],
      [],
      [],
      ['living_alone'],
      ['empty_nest'],
      ['minimum_living'],
      ['hardship'],
      ['low_income'],
      ['empty_nest', 'low_income'],
      ['living_alone', 'minimum_living'],
      ['family_planning_special'],
    ];
    const year = Number(today.slice(0, 4));
    while (people.length < DEMO_SENIOR_COUNT) {
      const gender = rand() < 0.58 ? 'female' : 'male';
      const name = pick(SURNAMES) + pick(gender === 'female' ? FEMALE_NAMES : MALE_NAMES);
      if (used.has(name)) continue;
      used.add(name);
      const age = 62 + Math.floor(rand() * 35);
      const month = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
      const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
      people.push({
        name,
        gender,
        birthDate: `${year - age}-${month}-${day}`,
        community: communities[people.length % communities.length],
        categories: pick(categoryPool),
        abilityLevel: pick([0, 0, 0, 1, 1, 2, 3, 4]),
        dietNotes: pick(['', '', '少盐', '软一点', '糖尿病，低糖', '不吃辣']),
      });
    }
    let n = 0;
    for (const p of people) {
      n++;
      const region = regions.get(p.community)!;
      const home = centres.get(HOME_CENTRE[p.community])!;
      const senior = await em.save(
        Senior,
        em.create(Senior, {
          name: p.name,
          gender: p.gender,
          birthDate: p.birthDate,
          idCardLast4: String(1000 + Math.floor(rand() * 9000)),
          phone: `1${pick(['3', '5', '8'])}${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`,
          address: `${region.name} ${1 + Math.floor(rand() * 30)} 幢 ${1 + Math.floor(rand() * 4)} 单元 ${1 + Math.floor(rand() * 6)}0${1 + Math.floor(rand() * 3)} 室`,
          regionId: region.id,
          regionPath: region.path,
          homeCentreId: home.id,
          latitude: Number((home.latitude + (rand() - 0.5) * 0.006).toFixed(6)),
          longitude: Number((home.longitude + (rand() - 0.5) * 0.006).toFixed(6)),
          categories: p.categories,
          abilityLevel: p.abilityLevel,
          dietNotes: p.dietNotes,
          emergencyContacts: [
            {
              name: `${p.name[0]}${pick(['伟', '芳', '军', '静', '磊'])}`,
              relation: pick(['儿子', '女儿', '侄子']),
              phone: `139${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`,
            },
          ],
          active: true,
          createdAt: now,
          updatedAt: now,
        }),
      );
      seniors.set(p.name, senior);
      // The first twenty seniors follow the public account, so the chat bot knows them.
      if (n <= 20) {
        await em.save(
          Account,
          account({
            displayName: p.name,
            roles: ['senior'],
            seniorId: senior.id,
            mpOpenid: `o_senior_${String(n).padStart(2, '0')}`,
            miniOpenid: n <= 3 ? `o_mini_senior_${String(n).padStart(2, '0')}` : null,
            phone: senior.phone,
          }),
        );
      }
    }

    let f = 0;
    for (const fam of FAMILY) {
      f++;
      const acc = await em.save(
        Account,
        account({
          displayName: fam.name,
          roles: ['family'],
          phone: fam.phone,
          miniOpenid: `o_family_${String(f).padStart(2, '0')}`,
          mpOpenid: `o_mp_family_${String(f).padStart(2, '0')}`,
        }),
      );
      for (const seniorName of fam.seniors) {
        await em.save(
          FamilyLink,
          em.create(FamilyLink, {
            seniorId: seniors.get(seniorName)!.id,
            familyAccountId: acc.id,
            relation: fam.relation,
            createdVia: 'staff',
            createdAt: now,
            revokedAt: null,
            revokedByAccountId: null,
          }),
        );
      }
    }

    for (const a of ADMINS) {
      const region = regions.get(a.region)!;
      await em.save(
        Account,
        account({ displayName: a.name, roles: ['admin'], username: a.username, passwordHash, regionId: region.id, regionPath: region.path }),
      );
      usernames.push(a.username);
    }

    for (const p of POLICIES) {
      const region = regions.get(p.region)!;
      await em.save(
        SubsidyPolicy,
        em.create(SubsidyPolicy, {
          name: p.name,
          regionId: region.id,
          regionPath: region.path,
          category: p.category,
          serviceKinds: p.kinds,
          minAge: p.minAge ?? null,
          seniorCategories: p.categories ?? [],
          minAbilityLevel: p.minAbilityLevel ?? null,
          method: p.method,
          amountFen: p.amountFen ?? 0,
          percent: p.percent ?? 0,
          maxPerDay: p.maxPerDay ?? null,
          monthlyCapFen: p.monthlyCapFen ?? null,
          validFrom: `${today.slice(0, 4)}-01-01`,
          validTo: null,
          active: true,
          description: p.description,
          createdAt: now,
        }),
      );
    }
    return usernames;
  });
  return { seeded: true, consolePassword, consoleUsernames: usernames };
}
