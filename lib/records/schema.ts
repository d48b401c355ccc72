import * as z from 'zod';

/**
 * The record contract: every line dr-replicator writes to its log store (SLS logstore, JSON-lines
 * file, stdout), as one zod schema. The engine's types (types.ts) are inferred from it, the sinks
 * encode by it (wire.ts) and status reads back through it (parse.ts), and `npm run schema`
 * publishes it as policies/records.schema.json for whoever queries the logstore.
 * Field names and values are the public interface: alert rules and saved queries use them.
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

const OutcomeSchema = z.enum(Object.values(Outcome) as [Outcome, ...Outcome[]]);
const AlertKindSchema = z.enum(Object.values(AlertKind) as [AlertKind, ...AlertKind[]]);

/**
 * Fields every record carries, in the order status reads them back. `dryRun` and `recordId`
 * come last: status drops them (a dry run's records are not read back at all).
 */
const base = {
  runId: z.string(),
  policy: z.string(),
  /** ISO 8601 time the record was made. */
  time: z.string(),
  /** The member account the run was in (organisation fan-out); absent for a one-account run. */
  accountId: z.string().exactOptional(),
  /**
   * Set on every record of a `run --dry-run`: a rehearsal. Status, the heartbeat and the alert
   * rules ignore such records, so a dry run never counts as a run nor raises a real alert. A
   * string, as SLS stores it.
   */
  dryRun: z.literal('true').exactOptional(),
  /** Deterministic (record-id.ts): a record written twice counts once. */
  recordId: z.string().exactOptional(),
};

/** One decision about one (source snapshot, destination) pair. */
export const ItemRecordSchema = z.object({
  ...base,
  kind: z.literal('item'),
  sourceRegion: z.string(),
  sourceSnapshotId: z.string(),
  diskId: z.string(),
  destRegion: z.string(),
  outcome: OutcomeSchema,
  attempts: z.number(),
  durationMs: z.number(),
  message: z.string(),
  copySnapshotId: z.string().exactOptional(),
  errorCode: z.string().exactOptional(),
  requestId: z.string().exactOptional(),
  /** ISO 8601: the copy is locked (compliance mode) until then; absent = not known locked. */
  lockedUntil: z.string().exactOptional(),
  /** Restore drills: the disk made from copySnapshotId (deleted after the drill). */
  drillDiskId: z.string().exactOptional(),
  /** Restore drills: ISO 8601 time of the drilled copy's recovery point (its source snapshot). */
  recoveryPoint: z.string().exactOptional(),
});

/** One per run: its totals are the sum of its item records. */
export const RunRecordSchema = z.object({
  ...base,
  kind: z.literal('run'),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  exitCode: z.number(),
  totals: z.record(OutcomeSchema, z.number()),
  apiCalls: z.record(z.string(), z.number()),
  message: z.string(),
  errorCode: z.string().exactOptional(),
});

/** Something an operator must hear about; alert rules select `kind: alert`. */
export const AlertRecordSchema = z.object({
  ...base,
  kind: z.literal('alert'),
  alert: AlertKindSchema,
  message: z.string(),
  destRegion: z.string().exactOptional(),
  sourceRegion: z.string().exactOptional(),
  diskId: z.string().exactOptional(),
  errorCode: z.string().exactOptional(),
});

export const LogRecordSchema = z.discriminatedUnion('kind', [
  ItemRecordSchema,
  RunRecordSchema,
  AlertRecordSchema,
]);

/**
 * A claim on the shared board (the run lease, the CopySnapshot quota share) as a line in the
 * records logstore (lib/cloud/sls-claim-store.ts). Status, the heartbeat and the alert rules
 * select other kinds, so claims never count as runs or alerts. Times are epoch ms.
 */
export const ClaimRecordSchema = z.object({
  kind: z.literal('claim'),
  time: z.string(),
  /** What is claimed: `lease.<policy>` or `copy-quota.<account>`. */
  scope: z.string().min(1),
  /** The run (its run id). */
  holder: z.string().min(1),
  /** Runs sharing one process-wide gate; read back as the holder when empty. */
  group: z.string(),
  startedAt: z.number(),
  expiresAt: z.number(),
  writtenAt: z.number(),
  released: z.boolean(),
});

/** Everything a sink may store: the engine's records and the claims. */
export const StoredRecordSchema = z.discriminatedUnion('kind', [
  ItemRecordSchema,
  RunRecordSchema,
  AlertRecordSchema,
  ClaimRecordSchema,
]);
