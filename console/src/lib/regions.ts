import type { RegionNode } from '../../../server/contracts/catalogue-registry';
import { api } from '../api/client';
import type { Items } from '../api/types';

export type { RegionNode };

/** GET /regions: the district → street → community tree the user works in (staff: their street). */
export async function loadRegions(): Promise<RegionNode[]> {
  return (await api.get<Items<RegionNode>>('/regions')).items;
}

/** The tree as el-tree-select reads it; only communities may be chosen when `communitiesOnly`. */
export interface RegionOption {
  value: number;
  label: string;
  disabled?: boolean;
  children?: RegionOption[];
}
export function regionOptions(nodes: RegionNode[], communitiesOnly = false): RegionOption[] {
  return nodes.map((n) => ({
    value: n.id,
    label: n.name,
    disabled: communitiesOnly && n.level !== 'community',
    children: n.children.length ? regionOptions(n.children, communitiesOnly) : undefined,
  }));
}

/** id → name, for showing a senior's community. */
export function regionNames(nodes: RegionNode[], into = new Map<number, string>()): Map<number, string> {
  for (const n of nodes) {
    into.set(n.id, n.name);
    regionNames(n.children, into);
  }
  return into;
}

/** Every region of a tree, parents before their children. */
export function flattenRegions(nodes: RegionNode[]): RegionNode[] {
  const out: RegionNode[] = [];
  const walk = (ns: RegionNode[]) => {
    for (const n of ns) {
      out.push(n);
      walk(n.children);
    }
  };
  walk(nodes);
  return out;
}

/** A region's name with its street before it, for a community: 米市巷街道 / 嘉新社区. */
export function regionLabel(all: RegionNode[], id: number | null | undefined): string {
  if (id === null || id === undefined) return '—';
  const r = all.find((x) => x.id === id);
  if (!r) return `#${id}`;
  const parent = r.level === 'community' ? all.find((x) => x.id === r.parentId) : undefined;
  return parent ? `${parent.name} / ${r.name}` : r.name;
}
