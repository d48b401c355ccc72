import { IDS_PER_CALL, type ListingDeps, describeByIds as listByIds } from '../domain/listing.ts';
import { PointFrom, recoveryPoint } from '../domain/recovery-point.ts';
import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { Snapshot } from '../ports.ts';
import { ms } from './status-time.ts';

/** DescribeSnapshots takes at most 100 ids in SnapshotIds. */
export const SNAPSHOT_IDS_PER_CALL = IDS_PER_CALL;

/** What `status` learned about the source snapshots its newest copies were made from. */
export interface SourceTimes {
  /** Source snapshot id -> its CreationTime (ISO): the recovery point a copy of it restores. */
  found: ReadonlyMap<string, string>;
  /** Source regions whose lookup failed: their copies fall back to the copy's own time. */
  unreachable: ReadonlySet<string>;
}

/** Where a copy's source snapshot lives, from its provenance tags (the cloud's fields otherwise). */
export function sourceOf(copy: Snapshot): { region: string; snapshotId: string } | undefined {
  const region = copy.tags[PROVENANCE_TAG_KEYS.sourceRegion] ?? copy.sourceRegionId;
  const snapshotId = copy.tags[PROVENANCE_TAG_KEYS.sourceSnapshot] ?? copy.sourceSnapshotId;
  if (region === undefined || region === '' || snapshotId === undefined || snapshotId === '') {
    return undefined;
  }
  return { region, snapshotId };
}

/**
 * The recovery point of a completed copy: its source's CreationTime when known, else the copy's
 * own CreationTime (later than the source's, so the age it gives is a lower bound).
 */
export function recoveryPointMs(copy: Snapshot, sources: SourceTimes): number {
  return pointOf(copy, sources).pointMs;
}

/** The domain rule (lib/domain/recovery-point.ts) over what `status` looked up. */
export function pointOf(copy: Snapshot, sources: SourceTimes) {
  const id = sourceOf(copy)?.snapshotId;
  const found = id === undefined ? undefined : sources.found.get(id);
  return recoveryPoint(copy, found === undefined ? undefined : ms(found));
}

/** True when the copy's recovery point is known without a lookup (our source-time tag). */
function knownByTag(copy: Snapshot): boolean {
  return recoveryPoint(copy, undefined).from === PointFrom.SourceTimeTag;
}

/**
 * Looks up the source snapshots that can hold a (disk, destination)'s newest recovery point, in
 * batches of 100 ids per source region. First the source of each newest completed copy; then,
 * only if older-made copies were made after that recovery point (a late copy of an old
 * snapshot), those copies' sources too. A region whose
 * lookup fails is reported as unreachable rather than failing `status`: in a disaster the
 * source region is the one that is down, and the destinations still need a report.
 */
export async function lookupSourceTimes(
  deps: ListingDeps,
  copies: readonly Snapshot[],
): Promise<SourceTimes> {
  const found = new Map<string, string>();
  const unreachable = new Set<string>();
  const looked = new Set<string>();
  const sources: SourceTimes = { found, unreachable };

  const cells = new Map<string, Snapshot[]>();
  for (const c of copies) {
    const disk = c.tags[PROVENANCE_TAG_KEYS.sourceDisk];
    if (c.status !== 'accomplished' || disk === undefined) continue;
    const key = `${c.regionId}\u0000${disk}`;
    const list = cells.get(key);
    if (list === undefined) cells.set(key, [c]);
    else list.push(c);
  }
  for (const list of cells.values()) list.sort((a, b) => ms(b.creationTime) - ms(a.creationTime));

  // Round 1 asks for the newest-made copy's source only; round 2 for every copy made after the
  // recovery point round 1 found. Recovery points only grow, so no third round is needed.
  for (let round = 1; round <= 2; round += 1) {
    const wanted = new Map<string, Set<string>>();
    for (const list of cells.values()) {
      let best = Number.NEGATIVE_INFINITY;
      for (const c of list) {
        // Newest-made first: a copy made before the best recovery point cannot restore a newer
        // one, and neither can any copy made before it.
        if (ms(c.creationTime) <= best) break;
        const source = sourceOf(c);
        if (
          !knownByTag(c) &&
          source !== undefined &&
          !looked.has(source.snapshotId) &&
          !unreachable.has(source.region)
        ) {
          const ids = wanted.get(source.region) ?? new Set<string>();
          ids.add(source.snapshotId);
          wanted.set(source.region, ids);
          if (round === 1) break;
          continue;
        }
        best = Math.max(best, recoveryPointMs(c, sources));
      }
    }
    if (wanted.size === 0) break;
    await Promise.all(
      [...wanted].map(async ([region, ids]) => {
        for (const id of ids) looked.add(id);
        try {
          for (const [id, time] of await describeByIds(deps, region, [...ids])) found.set(id, time);
        } catch {
          unreachable.add(region);
        }
      }),
    );
  }
  return sources;
}

/** CreationTime of each listed id that still exists in the region, 100 ids a call. */
async function describeByIds(
  deps: ListingDeps,
  regionId: string,
  ids: string[],
): Promise<Map<string, string>> {
  const times = new Map<string, string>();
  await listByIds(deps, { regionId, status: 'all' }, ids, (page: Snapshot[]) => {
    for (const s of page) times.set(s.snapshotId, s.creationTime);
  });
  return times;
}
