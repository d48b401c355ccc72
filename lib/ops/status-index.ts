import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { Snapshot } from '../ports.ts';
import type { ItemRecord } from '../records/types.ts';

/**
 * Indexing for the status grid: which disks the policy protects, and each cell's copies and
 * copy attempts, grouped once (per-cell filters over every copy and record made status
 * quadratic).
 */

/** Item outcomes that show the engine tried to copy a disk to a destination. */
const ATTEMPTS = new Set<string>([
  'started',
  'in-progress',
  'deferred',
  'failed',
  'completed',
  'already-copied',
]);

/** The copies and the copy attempts of each (destination, disk) cell, by cellKey. */
interface CellIndex {
  copies: Map<string, Snapshot[]>;
  attempts: Map<string, ItemRecord[]>;
}

export function cellKey(destRegion: string, diskId: string): string {
  return `${destRegion}\u0000${diskId}`;
}

export function indexCells(copies: readonly Snapshot[], items: readonly ItemRecord[]): CellIndex {
  return {
    copies: groupBy(copies, (c) => cellKey(c.regionId, diskOf(c) ?? '')),
    attempts: groupBy(
      items.filter((r) => ATTEMPTS.has(r.outcome)),
      (r) => cellKey(r.destRegion, r.diskId),
    ),
  };
}

function groupBy<T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    const group = map.get(k);
    if (group === undefined) map.set(k, [item]);
    else group.push(item);
  }
  return map;
}

/**
 * Disks the policy protects, with their source region: those with a copy in any destination
 * and those the engine tried to copy. Disks whose snapshots were only ever skipped (local or
 * archive category) cannot be protected and would otherwise show as breached forever.
 */
export function collectDisks(copies: readonly Snapshot[], items: readonly ItemRecord[]) {
  const disks = new Map<string, string>();
  for (const c of copies) {
    const disk = diskOf(c);
    if (disk === undefined) continue;
    disks.set(disk, c.tags[PROVENANCE_TAG_KEYS.sourceRegion] ?? c.sourceRegionId ?? '');
  }
  for (const r of items) {
    if (r.diskId === '' || r.outcome === 'skipped' || r.outcome === 'pruned') continue;
    if (!disks.has(r.diskId) || disks.get(r.diskId) === '') disks.set(r.diskId, r.sourceRegion);
  }
  return disks;
}

/** The source disk of a copy: the provenance tag, which the engine always writes. */
function diskOf(copy: Snapshot): string | undefined {
  return copy.tags[PROVENANCE_TAG_KEYS.sourceDisk];
}
