import { completedPoints } from '../../domain/recovery-point.ts';
import type { Policy } from '../../policy/schema.ts';
import type { Snapshot } from '../../ports.ts';
import { Outcome } from '../../records/types.ts';
import { buildCopyRequest, CopyRequestError } from '../copy-request.ts';
import { copySource } from '../reconcile.ts';
import { existingCopyItem, failedCopyItems } from './copies.ts';
import type { DestinationInput } from './input.ts';
import { failItem, newItem, pairRef, type WorkItem } from './item.ts';
import { HOUR_MS, type RpoBreach, type SourceTimes, sourceMsIn } from './rpo.ts';

const NO_COPIES: readonly Snapshot[] = [];

/** What every disk of one destination is planned against. */
export interface DiskContext {
  policy: Policy;
  now: Date;
  input: DestinationInput;
  /** Source snapshot id -> CreationTime ms, for every snapshot discovered this run. */
  sourceTimes: SourceTimes;
}

/** One disk's decisions in one destination, and its RPO breach if any. */
export interface DiskDecisions {
  items: WorkItem[];
  breach?: RpoBreach;
}

/**
 * The decisions for one disk's discovered snapshots (oldest first) in one destination: each
 * pair gets one primary item (copy, already-copied, in-progress, deferred, skipped, fail), plus a
 * failed item for each earlier copy that failed unrecorded.
 */
export function planDisk(plan: DiskContext, snapshots: Snapshot[]): DiskDecisions {
  const { policy, now, input } = plan;
  const { dest, copies } = input;
  const items: WorkItem[] = [];
  const decisions: DiskDecisions = { items };
  const first = snapshots[0];
  if (!first) return decisions;
  const diskId = first.sourceDiskId;
  const diskCopies = copies.byDisk.get(diskId) ?? [];
  // The newest recovery point (source snapshot time), not the newest copy (domain rule).
  const newestPoint = completedPoints(diskCopies, sourceMsIn(plan.sourceTimes))[0];
  const newestDone = newestPoint?.copy;
  const debtHours = newestPoint
    ? (now.getTime() - newestPoint.pointMs) / HOUR_MS
    : Number.POSITIVE_INFINITY;
  const oldestPendingHours = (now.getTime() - Date.parse(first.creationTime)) / HOUR_MS;
  const rpoHours = newestDone ? debtHours : oldestPendingHours;
  if (!input.stopped && rpoHours > dest.rpoHours) {
    decisions.breach = {
      destRegion: dest.region,
      sourceRegion: first.regionId,
      diskId,
      hours: rpoHours,
      rpoHours: dest.rpoHours,
      ...(newestDone ? { copySnapshotId: newestDone.snapshotId } : {}),
    };
  }
  // One unfinished copy per disk per destination: any progressing copy of this disk blocks.
  // Reasons are built once per disk and shared by its items.
  const running = diskCopies.find((c) => c.status === 'progressing');
  const waitingFor = (copy: string, source: string) =>
    `waiting for the ${copy} of ${source} to finish: one unfinished copy per disk per destination`;
  let blocked: string | undefined = running
    ? waitingFor(`copy ${running.snapshotId}`, copySource(running).snapshotId)
    : undefined;
  let blockedByThisRun: string | undefined;
  const newest = snapshots[snapshots.length - 1];
  const keep = policy.source.copyMode === 'latest' ? 1 : (dest.keepLast ?? snapshots.length);
  const firstCandidate = Math.max(0, snapshots.length - keep);
  const notCandidate =
    policy.source.copyMode === 'latest'
      ? `superseded by newer snapshot ${newest?.snapshotId} (copyMode latest)`
      : `older than the newest ${keep} snapshots of ${diskId} (keepLast ${keep})`;
  const stoppedReason = input.stopped ? `destination stopped: ${input.stopped.message}` : '';

  snapshots.forEach((snapshot, index) => {
    const ref = pairRef(snapshot, dest.region, debtHours);
    const pairCopies = copies.bySource.get(snapshot.regionId, snapshot.snapshotId) ?? NO_COPIES;
    for (const failed of failedCopyItems(ref, pairCopies)) items.push(failed);
    const decide = (item: WorkItem) => {
      item.primary = true;
      items.push(item);
    };
    if (input.stopped) {
      const item = newItem(ref, 'deferred', Outcome.Deferred, stoppedReason);
      item.errorCode = input.stopped.code;
      decide(item);
      return;
    }
    const existing = existingCopyItem(ref, pairCopies);
    if (existing) {
      decide(existing);
      return;
    }
    if (index < firstCandidate) {
      decide(newItem(ref, 'skipped', Outcome.Skipped, notCandidate));
      return;
    }
    if (blocked) {
      const item = newItem(ref, 'deferred', Outcome.Deferred, blocked);
      if (blockedByThisRun) item.waitsForThisRun = blockedByThisRun;
      decide(item);
      return;
    }
    let generation = 0;
    for (const c of pairCopies) if (c.status === 'failed') generation += 1;
    try {
      // Built here for its errors (CopyRequestError: a fail item, not a copy); the item builds
      // the request again when its name or token is read.
      buildCopyRequest(policy, snapshot, dest, generation);
      const item = newItem(
        ref,
        'copy',
        Outcome.Started,
        generation > 0
          ? `missing in ${dest.region}; ${generation} earlier cop${generation === 1 ? 'y' : 'ies'} failed`
          : `missing in ${dest.region}`,
      );
      item.copyOf = { policy, source: snapshot, dest, generation };
      decide(item);
      // Later snapshots of this disk wait for this copy.
      blocked = waitingFor('copy started this run', snapshot.snapshotId);
      blockedByThisRun = snapshot.snapshotId;
    } catch (error) {
      if (!(error instanceof CopyRequestError)) throw error;
      decide(failItem(ref, error.code, error.message));
    }
  });
  return decisions;
}
