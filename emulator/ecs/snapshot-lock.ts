import type { SnapshotLock, SnapshotRecord } from '../model/records.ts';
import { apiTime } from './snapshot-view.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** LockSnapshot limits, from its API page. */
export const LOCK_LIMITS = {
  minDays: 1,
  maxDays: 36_500,
  minCoolOffHours: 0,
  maxCoolOffHours: 72,
} as const;

/** DescribeLockedSnapshots LockStatus values. */
export const LockStatus = {
  CoolOff: 'compliance-cooloff',
  Compliance: 'compliance',
  Expired: 'expired',
} as const;
export type LockStatus = (typeof LockStatus)[keyof typeof LockStatus];

export function coolOffEnd(lock: SnapshotLock): number {
  return lock.lockedAt + lock.coolOffHours * HOUR_MS;
}

export function lockExpiry(lock: SnapshotLock): number {
  return lock.durationStart + lock.durationDays * DAY_MS;
}

export function lockStatus(lock: SnapshotLock, now: number): LockStatus {
  if (now >= lockExpiry(lock)) return LockStatus.Expired;
  return now < coolOffEnd(lock) ? LockStatus.CoolOff : LockStatus.Compliance;
}

/** Whether the lock still forbids deletion (cool-off included, as the API page says). */
export function isLocked(s: SnapshotRecord, now: number): boolean {
  return s.lock !== undefined && lockStatus(s.lock, now) !== LockStatus.Expired;
}

/** A lock as LockSnapshot and DescribeLockedSnapshots show it. */
export function lockView(
  snapshotId: string,
  lock: SnapshotLock,
  now: number,
): Record<string, unknown> {
  return {
    SnapshotId: snapshotId,
    LockMode: 'compliance',
    LockStatus: lockStatus(lock, now),
    LockCreationTime: apiTime(lock.lockedAt),
    LockDuration: lock.durationDays,
    LockDurationStartTime: apiTime(lock.durationStart),
    LockExpiredTime: apiTime(lockExpiry(lock)),
    CoolOffPeriod: lock.coolOffHours,
    CoolOffPeriodExpiredTime: apiTime(coolOffEnd(lock)),
  };
}
