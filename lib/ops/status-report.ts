/**
 * Status as a report: the shape `status` prints (text, JSON, HTML) and the states a (disk,
 * destination) cell can be in. The JSON output is this shape, so names here are public.
 */

import type { Snapshot, SnapshotLock } from '../ports.ts';
import type { LogRecord, Outcome } from '../records/types.ts';
import type { HeartbeatStatus } from './heartbeat.ts';
import type { SourceTimes } from './status-sources.ts';

export const RpoState = {
  /** Newest recovery point (source snapshot time of a completed copy) is well within the RPO. */
  Healthy: 'healthy',
  /** Within the RPO but past AT_RISK_FRACTION of it: the next missed run breaches. */
  AtRisk: 'at-risk',
  /** Newest recovery point is older than the RPO. */
  Breached: 'breached',
  /**
   * No completed copy yet, but the first attempt is younger than the RPO (a disk just added
   * to the policy, its first full copy in flight): not a breach yet.
   */
  Pending: 'pending',
  /** No completed copy, and the first attempt is older than the RPO: no recovery point. */
  NoCopy: 'no-copy',
} as const;
export type RpoState = (typeof RpoState)[keyof typeof RpoState];

/** Fraction of the RPO after which a cell shows as at risk. */
export const AT_RISK_FRACTION = 0.75;
/** Runs shown in the timeline. */
export const TIMELINE_RUNS = 20;

export interface CopyRef {
  snapshotId: string;
  sourceSnapshotId?: string;
  /** Copy creation time in the destination (ISO). */
  createdAt: string;
}

/** Where a cell's recovery point time comes from. */
export const RecoveryPointFrom = {
  /** The CreationTime of the source snapshot the copy was made from: what a restore gets. */
  SourceSnapshot: 'source-snapshot',
  /** The source is gone, but the copy carries the source time this product wrote when copying. */
  SourceTimeTag: 'source-time-tag',
  /** The source snapshot is gone (or its region did not answer): the copy's own CreationTime. */
  CopyTime: 'copy-time',
} as const;
export type RecoveryPointFrom = (typeof RecoveryPointFrom)[keyof typeof RecoveryPointFrom];

/** The completed copy holding a cell's newest recovery point, and why its age is what it is. */
export interface NewestCopy extends CopyRef {
  /** When the copy was made in the destination (same as createdAt). */
  copyTime: string;
  /** The point in time a restore from this copy returns the disk to. */
  recoveryPointTime: string;
  recoveryPointFrom: RecoveryPointFrom;
  /** Set when the recovery point fell back to the copy time: why. */
  recoveryPointNote?: string;
  /** Hours since recoveryPointTime: what the RPO is checked against, as the engine does. */
  ageHours: number;
}

/** How a cell's newest completed copy is locked: the `lock` of a cell, set only for a locking destination. */
export const LockState = {
  /** ECS reports a live compliance lock (cool-off included): nobody can delete the copy until `until`. */
  Locked: 'locked',
  /** A completed copy of a locking destination without a live lock: it can be deleted. */
  Unlocked: 'unlocked',
  /** DescribeLockedSnapshots failed for the destination: the state is not known. */
  Unknown: 'unknown',
} as const;
export type LockState = (typeof LockState)[keyof typeof LockState];

export type CellLock =
  | {
      state: typeof LockState.Locked;
      /** When the lock ends (ISO). */
      until: string;
      /** ECS's lock status: compliance-cooloff (UnlockSnapshot still works) or compliance. */
      status: string;
    }
  | {
      state: typeof LockState.Unlocked;
      /** Set when the copy was locked once and the lock ran out (the run never re-locks). */
      expiredAt?: string;
      /**
       * A run has recorded this copy as completed and it is still not locked (the run locks a
       * copy when it first sees it complete): alerted as copy-unlocked.
       */
      overdue: boolean;
    }
  | { state: typeof LockState.Unknown; message: string };

export interface StatusCell {
  diskId: string;
  sourceRegion: string;
  destRegion: string;
  rpoHours: number;
  state: RpoState;
  newestCopy?: NewestCopy;
  /** Without a completed copy: when the first copy of the disk here was attempted. */
  firstAttemptAt?: string;
  inFlight: (CopyRef & { progress: number })[];
  lastFailure?: { time: string; errorCode?: string; message: string; snapshotId?: string };
  /**
   * The lock of the newest completed copy (DescribeLockedSnapshots), for a destination with
   * `lock` in the policy. Absent: the destination does not lock, or the cell has no completed copy.
   */
  lock?: CellLock;
}

export interface DestinationStatus {
  region: string;
  rpoHours: number;
  /** The policy's lock of this destination's copies; absent: copies here are not locked. */
  lock?: { days: number; coolOffHours: number };
  /** The newest destination-stopped alert (KMS key disabled, quota...), if any. */
  lastStop?: { time: string; errorCode?: string; message: string };
  /**
   * Tested RPO: the newest recovery point here that a restore drill restored (read from the
   * drill mark on the copy), and its age. Absent: no copy here is restore-tested.
   */
  tested?: { snapshotId: string; recoveryPointTime: string; ageHours: number; drilledAt: string };
}

export interface RunEntry {
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  exitCode: number;
  totals: Partial<Record<Outcome, number>>;
  errorCode?: string;
  message: string;
}

export interface StatusReport {
  policy: string;
  generatedAt: string;
  destinations: DestinationStatus[];
  /** Every (disk, destination) pair, disks sorted by id, destinations in policy order. */
  cells: StatusCell[];
  heartbeat: HeartbeatStatus;
  /** Newest first. */
  runs: RunEntry[];
  summary: Record<RpoState, number> & { cells: number; inFlight: number };
  /** True when every cell is within the RPO and the heartbeat is not missed. */
  ok: boolean;
  /**
   * Set when the log store could not be read: the grid is what the cloud shows, without run
   * history, failures from records or the heartbeat.
   */
  logStore?: { available: false; message: string };
}

/** What the report is built from: plain data, no I/O. */
export interface StatusInputs {
  policy: {
    name: string;
    destinations: readonly {
      region: string;
      rpoHours: number;
      lock?: { days: number; coolOffHours: number } | undefined;
    }[];
  };
  /** This policy's copies across its destinations (DescribeSnapshots by the policy tag). */
  copies: readonly Snapshot[];
  /**
   * Source snapshot times of the newest copies (lookupSourceTimes). Without it, or for a
   * source not found, a copy's recovery point is its own CreationTime.
   */
  sources?: SourceTimes;
  /** Records read back from the log store, any order. */
  records: readonly LogRecord[];
  heartbeat: HeartbeatStatus;
  now: Date;
}

/**
 * What DescribeLockedSnapshots said, per copy, and the locking destinations it failed for
 * (readLocks); attachLocks sets each cell's `lock` from it.
 */
export interface StatusLocks {
  /** By snapshot id; a copy never locked is absent. */
  found: ReadonlyMap<string, SnapshotLock>;
  /** Destination region → why its locks could not be read. */
  unknown: ReadonlyMap<string, string>;
}

/** True for the cell states that count as an RPO breach (alert, exit code 1). */
export function isBreach(state: RpoState): boolean {
  return state === RpoState.Breached || state === RpoState.NoCopy;
}
