import { CloudApiError } from '../cloud/errors.ts';
import type { Snapshot, SnapshotLock } from '../ports.ts';
import { AlertKind, Outcome } from '../records/types.ts';
import { CallStep, Escalation, escalateCallError, stopsRun } from './call-outcome.ts';
import { describeCallError } from './escalate.ts';
import type { DestinationInput, WorkItem } from './plan/index.ts';
import { copySource } from './reconcile.ts';
import type { PlanSession, RunSession } from './session.ts';

const DAY_MS = 86_400_000;
/** DescribeLockedSnapshots takes at most 100 snapshot ids per call. */
const LOCK_QUERY_BATCH = 100;
/** The API's word for a lock that ran out (the copy can be deleted again). */
export const LOCK_EXPIRED = 'expired';

/** A completed copy of a locking destination that has no lock yet: LockSnapshot it once. */
export interface LockTask {
  destRegion: string;
  copy: Snapshot;
  days: number;
  coolOffHours: number;
  /** The item that records this copy this run (its completion), if any. */
  item?: WorkItem;
  /** The item's record message before the plan's "will lock" note. */
  baseMessage?: string;
}

function completedCopies(input: DestinationInput): Snapshot[] {
  const out: Snapshot[] = [];
  for (const copies of input.copies.byDisk.values()) {
    for (const c of copies) if (c.status === 'accomplished') out.push(c);
  }
  return out;
}

/** Whether a reported lock still forbids deletion (cool-off included). */
export function isLive(lock: SnapshotLock | undefined): boolean {
  return lock !== undefined && lock.status !== LOCK_EXPIRED;
}

/**
 * The lock state of every completed copy in each locking destination, from
 * DescribeLockedSnapshots (100 ids a call): the run never re-locks a copy ECS reports locked,
 * since a re-lock during cool-off restarts it. A failed query leaves the destination's locks
 * unknown: nothing is locked or pruned there this run. Returns a stop-run error (the role may
 * not call DescribeLockedSnapshots): the run aborts, as for any other listing.
 */
export async function learnLocks(
  session: PlanSession,
  inputs: DestinationInput[],
): Promise<CloudApiError | undefined> {
  for (const input of inputs) {
    if (input.dest.lock === undefined || input.stopped || input.copies.error) continue;
    const region = input.dest.region;
    const ids = completedCopies(input).map((c) => c.snapshotId);
    try {
      input.locks = await describeLocks(session, region, ids);
    } catch (error) {
      if (!(error instanceof CloudApiError)) throw error;
      if (stopsRun(error)) return error;
      input.locksUnknown = {
        code: error.code,
        message: `locks in ${region} could not be listed: ${describeCallError(error)}`,
      };
    }
  }
  return undefined;
}

/**
 * The lock of each of `ids` in one region that ECS reports (DescribeLockedSnapshots, 100 ids a
 * call, every page), through the session's limiter and retries. A snapshot never locked (or
 * unlocked) is absent from the map; an expired lock is present with status "expired". Used by
 * the run and by `status`, so both read lock state the same way. Throws the CloudApiError of a
 * call that failed past its retries.
 */
export async function describeLocks(
  session: PlanSession,
  region: string,
  ids: readonly string[],
): Promise<Map<string, SnapshotLock>> {
  const locks = new Map<string, SnapshotLock>();
  for (let i = 0; i < ids.length; i += LOCK_QUERY_BATCH) {
    const batch = ids.slice(i, i + LOCK_QUERY_BATCH);
    let token: string | undefined;
    do {
      const page = await session.call('DescribeLockedSnapshots', region, () =>
        session.ecs.describeLockedSnapshots(region, batch, token),
      );
      for (const lock of page.value.locks) locks.set(lock.snapshotId, lock);
      token = page.value.nextToken;
    } while (token);
  }
  return locks;
}

/** Whole days a lock may last: the policy's, cut so it ends before the copy is released. */
export function lockDays(policyDays: number, copy: Snapshot, now: Date): number {
  if (copy.retentionDays === undefined) return policyDays;
  const releasedAt = Date.parse(copy.creationTime) + copy.retentionDays * DAY_MS;
  return Math.min(policyDays, Math.floor((releasedAt - now.getTime()) / DAY_MS));
}

/**
 * Which completed copies to lock this run, and what the plan says about each copy's lock:
 * "locked until …" for a copy ECS reports locked, "will lock for N d" for one without a lock.
 * A copy the plan prunes this run is not locked.
 */
export function planLocks(items: WorkItem[], inputs: DestinationInput[], now: Date): LockTask[] {
  const tasks: LockTask[] = [];
  for (const input of inputs) {
    const policyLock = input.dest.lock;
    if (policyLock === undefined || input.locks === undefined) continue;
    const region = input.dest.region;
    const byCopy = new Map<string, WorkItem>();
    const pruned = new Set<string>();
    for (const item of items) {
      if (item.destRegion !== region || item.copySnapshotId === undefined) continue;
      if (item.action === 'prune') pruned.add(item.copySnapshotId);
      else if (item.action === 'already-copied') byCopy.set(item.copySnapshotId, item);
    }
    for (const copy of completedCopies(input)) {
      const item = byCopy.get(copy.snapshotId);
      const lock = input.locks.get(copy.snapshotId);
      if (lock !== undefined) {
        if (item) {
          if (isLive(lock)) item.lockedUntil = lock.expiresAt;
          item.reason = `${item.reason}; ${isLive(lock) ? `locked until ${lock.expiresAt} (${lock.status})` : `lock expired ${lock.expiresAt}`}`;
        }
        continue;
      }
      if (pruned.has(copy.snapshotId)) continue;
      const days = lockDays(policyLock.days, copy, now);
      if (days < 1) {
        if (item)
          item.reason = `${item.reason}; not locked: released by retentionDays within a day`;
        continue;
      }
      const task: LockTask = {
        destRegion: region,
        copy,
        days,
        coolOffHours: policyLock.coolOffHours,
      };
      if (item) {
        task.item = item;
        task.baseMessage = item.recordMessage ?? item.reason;
        item.reason = `${item.reason}; will lock for ${days} d (cool-off ${policyLock.coolOffHours} h)`;
      }
      tasks.push(task);
    }
  }
  return tasks;
}

/**
 * LockSnapshot once for each task, before the items are recorded, so a completion record says
 * "locked until …" (field lockedUntil). A copy no item records gets an already-copied record of
 * its own. A refused lock leaves the copy unlocked, says so in a copy-unlocked alert, and is
 * tried again next run; a stop-run refusal (Forbidden.RAM for ecs:LockSnapshot) aborts the run.
 */
export async function lockCopies(session: RunSession, tasks: LockTask[]): Promise<void> {
  const { book, stop } = session;
  for (const task of tasks) {
    const { copy } = task;
    // Stopped, aborted, signalled or out of time budget: the next run locks it.
    const blocked = stop.reason(task.destRegion);
    if (blocked) {
      if (task.item)
        task.item.recordMessage = `${task.baseMessage}; not locked this run: ${blocked.message}`;
      continue;
    }
    try {
      const done = await session.call('LockSnapshot', task.destRegion, () =>
        session.ecs.lockSnapshot({
          regionId: task.destRegion,
          snapshotId: copy.snapshotId,
          days: task.days,
          coolOffHours: task.coolOffHours,
        }),
      );
      const until = done.value.lock.expiresAt;
      if (task.item) {
        task.item.lockedUntil = until;
        task.item.recordMessage = `${task.baseMessage}; locked until ${until}`;
      } else {
        const source = copySource(copy);
        book.item({
          sourceRegion: source.region,
          sourceSnapshotId: source.snapshotId,
          diskId: source.diskId,
          destRegion: task.destRegion,
          copySnapshotId: copy.snapshotId,
          outcome: Outcome.AlreadyCopied,
          attempts: done.attempts,
          durationMs: 0,
          requestId: done.value.requestId,
          lockedUntil: until,
          message: `copy ${copy.snapshotId} locked until ${until}`,
        });
      }
    } catch (error) {
      if (!(error instanceof CloudApiError)) throw error;
      const why = describeCallError(error);
      if (task.item) task.item.recordMessage = `${task.baseMessage}; not locked: ${why}`;
      const escalation = escalateCallError(session, CallStep.Mark, task.destRegion, error);
      if (escalation === Escalation.AbortRun) return;
      if (escalation === Escalation.StopDestination) continue;
      book.alert(AlertKind.CopyUnlocked, {
        destRegion: task.destRegion,
        errorCode: error.code,
        message: `copy ${copy.snapshotId} in ${task.destRegion} could not be locked (${why}); the next run tries again`,
      });
    }
  }
}
