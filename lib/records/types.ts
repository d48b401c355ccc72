/**
 * Log records: what alert rules and `status` read back. SLS contents are strings, so the
 * sinks stringify every value; numbers are numbers here for the engine and tests.
 */

export const Outcome = {
  Started: 'started',
  AlreadyCopied: 'already-copied',
  InProgress: 'in-progress',
  Completed: 'completed',
  Failed: 'failed',
  Skipped: 'skipped',
  Deferred: 'deferred',
  Pruned: 'pruned',
  /**
   * A copy this policy made (CopySnapshot answered its id) is gone while its source is still
   * wanted (deleted by hand, released by RetentionDays): a new copy was started under the
   * next ClientToken generation.
   */
  Recopy: 're-copy',
  /** A restore drill made a disk from the copy and it became Available (durationMs: how long). */
  Restored: 'restored',
  /** A restore drill failed: the disk could not be made, or never became Available. */
  RestoreFailed: 'restore-failed',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

export const AlertKind = {
  RpoBreach: 'rpo-breach',
  DestinationStopped: 'destination-stopped',
  RunAborted: 'run-aborted',
  HeartbeatMissed: 'heartbeat-missed',
  /** Listing a source region failed: its snapshots were not considered this run. */
  SourceUnavailable: 'source-unavailable',
  /** A listing may be missing snapshots (a tag query at its 1,000 cap with no route past it). */
  ListingIncomplete: 'listing-incomplete',
  /** A recovery point this policy made is gone (deleted, released by retention): re-copied. */
  CopyLost: 'copy-lost',
  /** Selected snapshots and recorded outcomes disagree: something was decided silently. */
  OutcomeCountMismatch: 'outcome-count-mismatch',
  /** The API refused our request time (InvalidTimeStamp.Expired): the run aborted once. */
  ClockSkew: 'clock-skew',
  /**
   * A disk with copies produced no snapshot in the lookback window and its newest recovery
   * point is older than rpoHours (retire it with source.retiredDisks if that is intended).
   */
  SourceStale: 'source-stale',
  /** A completed copy of a locking destination could not be locked (LockSnapshot refused). */
  CopyUnlocked: 'copy-unlocked',
  /** A restore drill failed: a copy in a destination could not be restored to a disk. */
  DrillFailed: 'drill-failed',
} as const;
export type AlertKind = (typeof AlertKind)[keyof typeof AlertKind];

interface RecordBase {
  runId: string;
  policy: string;
  /**
   * Set on every record of a `run --dry-run`: a rehearsal. Status, the heartbeat and the alert
   * rules ignore such records, so a dry run never counts as a run nor raises a real alert. A
   * string, as SLS stores it.
   */
  dryRun?: 'true';
  /** Deterministic (lib/engine/record-id.ts): a record written twice counts once. */
  recordId?: string;
  /** ISO 8601 time the record was made. */
  time: string;
  /** The member account the run was in (organisation fan-out); absent for a one-account run. */
  accountId?: string;
}

export interface ItemRecord extends RecordBase {
  kind: 'item';
  sourceRegion: string;
  sourceSnapshotId: string;
  diskId: string;
  destRegion: string;
  copySnapshotId?: string;
  outcome: Outcome;
  errorCode?: string;
  attempts: number;
  durationMs: number;
  requestId?: string;
  /** ISO 8601: the copy is locked (compliance mode) until then; absent = not known locked. */
  lockedUntil?: string;
  /** Restore drills: the disk made from copySnapshotId (deleted after the drill). */
  drillDiskId?: string;
  /** Restore drills: ISO 8601 time of the drilled copy's recovery point (its source snapshot). */
  recoveryPoint?: string;
  message: string;
}

export interface RunRecord extends RecordBase {
  kind: 'run';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  exitCode: number;
  totals: Record<Outcome, number>;
  apiCalls: Record<string, number>;
  errorCode?: string;
  message: string;
}

export interface AlertRecord extends RecordBase {
  kind: 'alert';
  alert: AlertKind;
  destRegion?: string;
  sourceRegion?: string;
  diskId?: string;
  errorCode?: string;
  message: string;
}

export type LogRecord = ItemRecord | RunRecord | AlertRecord;
