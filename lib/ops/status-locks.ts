import { CloudApiError } from '../cloud/errors.ts';
import { describeLocks, isLive, lockDays } from '../engine/lock-copies.ts';
import type { PlanSession } from '../engine/session.ts';
import type { Snapshot, SnapshotLock } from '../ports.ts';
import type { ItemRecord } from '../records/types.ts';
import {
  type CellLock,
  LockState,
  type StatusCell,
  type StatusInputs,
  type StatusLocks,
  type StatusReport,
} from './status-report.ts';

/** Item outcomes that show a run saw a copy completed (and so should have locked it). */
const SEEN_COMPLETE = new Set<string>(['completed', 'already-copied']);

/**
 * The lock state of the newest completed copy of every cell in a locking destination, read as
 * the run reads it (describeLocks: DescribeLockedSnapshots, 100 ids a call). Only those copies
 * are asked about, and no call at all is made when no destination locks. A destination whose
 * query fails is reported unknown: a lock listing must not take the RPO grid down with it.
 */
export async function readLocks(
  session: PlanSession,
  policy: StatusInputs['policy'],
  cells: readonly StatusCell[],
): Promise<StatusLocks> {
  const found = new Map<string, SnapshotLock>();
  const unknown = new Map<string, string>();
  for (const dest of policy.destinations) {
    if (dest.lock === undefined) continue;
    const ids = cells
      .filter((c) => c.destRegion === dest.region && c.newestCopy !== undefined)
      .map((c) => c.newestCopy?.snapshotId ?? '');
    if (ids.length === 0) continue;
    try {
      for (const [id, lock] of await describeLocks(session, dest.region, ids)) found.set(id, lock);
    } catch (error) {
      if (!(error instanceof CloudApiError)) throw error;
      unknown.set(dest.region, `locks in ${dest.region} could not be listed: ${error.message}`);
    }
  }
  return { found, unknown };
}

/**
 * A cell's lock: locked until the expiry ECS reports, or unlocked. Unlocked is overdue (an
 * alert) once a run has recorded the copy as completed, since that run locks it, unless the
 * lock ran out (the run never re-locks) or the copy is released within a day (never locked).
 */
export function cellLock(args: {
  copy: Snapshot;
  destRegion: string;
  policyLock: { days: number; coolOffHours: number };
  attempts: readonly ItemRecord[];
  locks: StatusLocks;
  now: Date;
}): CellLock {
  const { copy, locks } = args;
  const why = locks.unknown.get(args.destRegion);
  if (why !== undefined) return { state: LockState.Unknown, message: why };
  const lock = locks.found.get(copy.snapshotId);
  if (lock !== undefined && isLive(lock)) {
    return { state: LockState.Locked, until: lock.expiresAt, status: lock.status };
  }
  if (lock !== undefined)
    return { state: LockState.Unlocked, expiredAt: lock.expiresAt, overdue: false };
  const seen = args.attempts.some(
    (r) => r.copySnapshotId === copy.snapshotId && SEEN_COMPLETE.has(r.outcome),
  );
  const lockable = lockDays(args.policyLock.days, copy, args.now) >= 1;
  return { state: LockState.Unlocked, overdue: seen && lockable };
}

/** The regions of the report's locking destinations (those with a policy `lock`). */
export function lockingRegions(report: StatusReport): Set<string> {
  return new Set(report.destinations.filter((d) => d.lock !== undefined).map((d) => d.region));
}

/** The newest completed copy's lock: "locked until <ISO>", "unlocked", or "not locking". */
export function lockText(cell: StatusCell, locking: ReadonlySet<string>): string {
  if (!locking.has(cell.destRegion)) return 'not locking';
  const lock = cell.lock;
  if (lock === undefined) return '-';
  switch (lock.state) {
    case LockState.Locked:
      return `locked until ${lock.until}`;
    case LockState.Unlocked:
      return lock.expiredAt !== undefined
        ? `unlocked (lock expired ${lock.expiredAt})`
        : lock.overdue
          ? 'unlocked (ALERT copy-unlocked)'
          : 'unlocked';
    default:
      return 'lock unknown';
  }
}
