import type { RunningEmulator, SnapshotRecord, World } from '../../../emulator/index.ts';
import { PROVENANCE_TAG_KEYS } from '../../../lib/policy/render.ts';
import type { Policy } from '../../../lib/policy/schema.ts';

/** `sourceSnapshotId>destRegion` */
export type PairKey = string;

export function pairKey(sourceSnapshotId: string, destRegion: string): PairKey {
  return `${sourceSnapshotId}>${destRegion}`;
}

/** Every (source snapshot, destination) pair the policy must copy: all snapshots of its sources. */
export function eligiblePairs(world: World, policy: Policy): Set<PairKey> {
  const sources = new Set(policy.source.regions);
  const pairs = new Set<PairKey>();
  for (const s of world.snapshots) {
    if (!sources.has(s.regionId) || (s.status ?? 'accomplished') !== 'accomplished') continue;
    if (s.tags?.[PROVENANCE_TAG_KEYS.policy] !== undefined) continue;
    for (const d of policy.destinations) pairs.add(pairKey(s.snapshotId, d.region));
  }
  return pairs;
}

/**
 * Live (not failed) copies in the policy's destinations, by the pair they copy. A copy counts
 * under its provenance tag and, when the cloud's own SourceSnapshotId differs or the tag is
 * missing, under that too: an untagged duplicate is still a duplicate.
 */
export function liveCopiesByPair(
  emulator: RunningEmulator,
  policy: Policy,
): Map<PairKey, SnapshotRecord[]> {
  const byPair = new Map<PairKey, SnapshotRecord[]>();
  const add = (key: PairKey, s: SnapshotRecord) => {
    const list = byPair.get(key);
    if (list) list.push(s);
    else byPair.set(key, [s]);
  };
  for (const dest of policy.destinations) {
    for (const s of emulator.admin.snapshots(dest.region)) {
      if (s.status === 'failed') continue;
      const tagged = s.tags[PROVENANCE_TAG_KEYS.sourceSnapshot];
      if (tagged !== undefined) add(pairKey(tagged, dest.region), s);
      if (s.sourceSnapshotId !== undefined && s.sourceSnapshotId !== tagged) {
        add(pairKey(s.sourceSnapshotId, dest.region), s);
      }
    }
  }
  return byPair;
}

/** One line per pair that does not have exactly one live copy; empty when all is well. */
export function copyProblems(
  eligible: ReadonlySet<PairKey>,
  byPair: ReadonlyMap<PairKey, SnapshotRecord[]>,
): { missing: PairKey[]; duplicated: string[] } {
  const missing = [...eligible].filter((k) => (byPair.get(k)?.length ?? 0) === 0);
  const duplicated = [...byPair]
    .filter(([, copies]) => copies.length > 1)
    .map(([k, copies]) => `${k}: ${copies.map((c) => c.snapshotId).join(', ')}`);
  return { missing, duplicated };
}
