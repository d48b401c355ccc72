import { completedPoints, PointFrom, type RecoveryPoint } from '../../domain/recovery-point.ts';
import { PROVENANCE_TAG_KEYS } from '../../policy/render.ts';
import type { Policy } from '../../policy/schema.ts';
import { Outcome } from '../../records/types.ts';
import { isLive } from '../lock-copies.ts';
import { copySource } from '../reconcile.ts';
import { inShard } from '../session.ts';
import type { Shard } from '../types.ts';
import type { DestinationInput } from './input.ts';
import { newItem, originRef, type WorkItem } from './item.ts';
import { HOUR_MS, type SourceTimes, sourceMsIn } from './rpo.ts';

interface Bounded {
  point: RecoveryPoint;
  /** The recovery point lies in [lower, upper]: exact when known, (-inf, copy time] when not. */
  lower: number;
  upper: number;
}

function bounds(point: RecoveryPoint): Bounded {
  const known = point.from !== PointFrom.CopyTime;
  return {
    point,
    lower: known ? point.pointMs : Number.NEGATIVE_INFINITY,
    upper: point.pointMs,
  };
}

/**
 * keepLast by recovery point: per (disk, destination) a completed copy may be deleted only when
 * at least keepLast other copies CERTAINLY restore a newer point (a copy's point is the source
 * snapshot's time; when the source is gone and the copy has no source-time tag, all that is
 * known is that the point is no later than the copy itself). So the copy of the newest point is
 * never deleted, nor one in progress (not completed), nor the only one within rpoHours, nor a
 * snapshot the provenance rule does not call ours, nor anything where a listing failed or may
 * be truncated. Deletions are capped per run.
 */
export function pruneItems(
  policy: Policy,
  now: Date,
  destinations: DestinationInput[],
  sourceTimes: SourceTimes,
  canPrune: boolean,
  shard?: Shard,
): WorkItem[] {
  const items: WorkItem[] = [];
  let budget = policy.limits.maxDeletesPerRun;
  for (const { dest, copies, stopped, locks, locksUnknown } of destinations) {
    // Never prune where this run could not see the whole picture (locks included).
    if (!dest.keepLast || stopped || copies.error || copies.truncated || !canPrune) continue;
    if (locksUnknown) continue;
    const keepLast = dest.keepLast;
    const rpoFloor = now.getTime() - dest.rpoHours * HOUR_MS;
    for (const [diskId, diskCopies] of copies.byDisk) {
      const shardCopies = diskCopies.filter((c) =>
        inShard(shard?.sourceRegions, copySource(c).region),
      );
      const points = completedPoints(shardCopies, sourceMsIn(sourceTimes)).map(bounds);
      if (points.length <= keepLast) continue;
      const lowers = points.map((p) => p.lower).sort((x, y) => y - x);
      const certainlyWithinRpo = points.filter((p) => p.lower >= rpoFloor).length;
      for (const entry of points) {
        const copy = entry.point.copy;
        const ref = originRef(copySource(copy), dest.region, diskId);
        const when = new Date(entry.upper).toISOString();
        // Copies certainly newer than this one (lowers sorted newest first).
        let newer = 0;
        while (newer < lowers.length && (lowers[newer] ?? Number.NEGATIVE_INFINITY) > entry.upper) {
          newer += 1;
        }
        let guard: string | undefined;
        const lock = locks?.get(copy.snapshotId);
        if (newer < keepLast) {
          guard =
            entry.point.from === PointFrom.CopyTime
              ? `its recovery point is unknown (source gone, no ${PROVENANCE_TAG_KEYS.sourceTime} tag; no later than ${when}) and fewer than ${keepLast} copies are certainly newer`
              : `one of the newest ${keepLast} recovery points of ${diskId} (source taken ${when})`;
        } else if (lock && isLive(lock)) {
          // A locked copy counts toward keepLast (it is in `points`) and is never deleted.
          guard = `locked until ${lock.expiresAt}`;
        } else if (entry.upper >= rpoFloor && certainlyWithinRpo <= 1 && entry.lower >= rpoFloor) {
          guard = `the only recovery point within rpoHours ${dest.rpoHours}`;
        } else if (budget <= 0) {
          guard = `the run's deletion cap (maxDeletesPerRun ${policy.limits.maxDeletesPerRun}) is reached`;
        }
        if (guard !== undefined) {
          const item = newItem(ref, 'keep', Outcome.AlreadyCopied, `kept: ${guard}`);
          item.copySnapshotId = copy.snapshotId;
          items.push(item);
          continue;
        }
        budget -= 1;
        const item = newItem(
          ref,
          'prune',
          Outcome.Pruned,
          `beyond the newest ${keepLast} recovery points of ${diskId} in ${dest.region} (source taken ${entry.point.from === PointFrom.CopyTime ? `no later than ${when}` : when}; ${newer} copies restore a newer point)`,
        );
        item.copySnapshotId = copy.snapshotId;
        item.pruneTarget = copy;
        items.push(item);
      }
    }
  }
  return items;
}
