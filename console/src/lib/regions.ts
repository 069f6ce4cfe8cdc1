import type { RegionNode } from '../api/types';

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
