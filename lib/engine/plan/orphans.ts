import { Code } from '../../codes.ts';
import type { PairMap } from '../../domain/pair-map.ts';
import { CopyVerdict } from '../../domain/provenance.ts';
import { PROVENANCE_TAG_KEYS } from '../../policy/render.ts';
import type { Snapshot } from '../../ports.ts';
import { Outcome } from '../../records/types.ts';
import { copySource } from '../reconcile.ts';
import { inShard } from '../session.ts';
import type { Shard } from '../types.ts';
import { existingCopyItem, failedCopyItems } from './copies.ts';
import type { DestinationInput } from './input.ts';
import { failItem, newItem, originRef, type WorkItem } from './item.ts';

/** Copies in the destination whose source was not discovered (out of lookback): follow them. */
export function followOrphans(
  input: DestinationInput,
  visited: Pick<PairMap<unknown>, 'has'>,
  shard?: Shard,
): WorkItem[] {
  const items: WorkItem[] = [];
  for (const [region, snapshotId, copies] of input.copies.bySource.entries()) {
    if (visited.has(region, snapshotId)) continue;
    const first = copies[0];
    if (!first) continue;
    const source = copySource(first);
    if (!inShard(shard?.sourceRegions, source.region)) continue;
    const ref = originRef(source, input.dest.region);
    for (const failed of failedCopyItems(ref, copies)) items.push(failed);
    const existing = existingCopyItem(ref, copies);
    // Reported, finished copies of old snapshots need no record every run.
    if (existing && existing.outcome !== Outcome.AlreadyCopied) items.push(existing);
  }
  return items;
}

/**
 * Snapshots tagged with this policy that the provenance rule says are not its copies. Tags
 * that disagree with ECS's own SourceSnapshotId are a failed item every run (ProvenanceMismatch:
 * the tagged source may have no real copy, a silent DR gap) until an operator fixes or deletes
 * the snapshot; a hand-made snapshot with our tags is a skipped item saying it is never counted
 * nor pruned. Neither is ever deleted.
 */
export function foreignItems(input: DestinationInput, shard?: Shard): WorkItem[] {
  const items: WorkItem[] = [];
  for (const { snapshot, verdict, reason } of input.copies.foreign) {
    const claimed = claimedSource(snapshot);
    if (shard?.sourceRegions && claimed.region && !shard.sourceRegions.includes(claimed.region)) {
      continue;
    }
    const ref = originRef(claimed, input.dest.region);
    const item =
      verdict === CopyVerdict.TagsDisagree
        ? failItem(ref, Code.ProvenanceMismatch, reason)
        : newItem(ref, 'skipped', Outcome.Skipped, reason);
    if (verdict === CopyVerdict.NotACopy) item.errorCode = Code.NotACopy;
    item.copySnapshotId = snapshot.snapshotId;
    items.push(item);
  }
  return items;
}

/** What a snapshot's provenance tags claim (for naming a foreign snapshot's record). */
function claimedSource(snapshot: Snapshot) {
  return {
    region: snapshot.tags[PROVENANCE_TAG_KEYS.sourceRegion] ?? snapshot.sourceRegionId ?? '',
    snapshotId:
      snapshot.tags[PROVENANCE_TAG_KEYS.sourceSnapshot] ?? snapshot.sourceSnapshotId ?? '',
    diskId: snapshot.tags[PROVENANCE_TAG_KEYS.sourceDisk] ?? '',
  };
}
