import type { ListingOptions } from '../domain/listing.ts';
import type { Policy } from '../policy/schema.ts';
import type { CloudClients, LogSink } from '../ports.ts';
import type { Outcome } from '../records/types.ts';
import type { CoordinationOptions } from './coordination.ts';
import type { MonotonicClock, Sleep } from './limiter.ts';
import type { RetryConfig } from './retry.ts';

/**
 * A subset of the policy's work. Shards of one policy never overlap on a
 * (snapshot, destination) pair, so they never write the same copy.
 */
export interface Shard {
  sourceRegions?: string[];
  destRegions?: string[];
}

export interface RunOptions {
  policy: Policy;
  cloud: CloudClients;
  sink: LogSink;
  /** Correlation id: the FC request id, or a generated one from the CLI. */
  runId: string;
  /** Wall clock; tests pass a fake one. */
  now?: () => Date;
  /** Total time the run may take (FC function timeout); new copies stop at limits.timeBudgetFraction. */
  budgetMs?: number;
  dryRun?: boolean;
  shard?: Shard;
  /** Progress events for TTY rendering and health lines. */
  onEvent?: (event: RunEvent) => void;
  /** Graceful stop (SIGTERM): no new work starts, in-flight calls finish, records are written. */
  signal?: AbortSignal;
  /** Engine knobs for tests and benchmarks (shorter backoff, a stepped sleep). */
  tuning?: EngineTuning;
  /**
   * A claim store shared by every deployment (the policy's SLS logstore): the run takes the
   * policy's lease there and its part of the account's CopySnapshot quota. Absent: neither.
   */
  coordination?: CoordinationOptions;
}

/** planPolicy takes what a run takes, minus what only a run needs (a run id is optional). */
export type PlanOptions = Omit<RunOptions, 'sink' | 'dryRun' | 'runId'> & { runId?: string };

export interface EngineTuning {
  retry?: Partial<RetryConfig>;
  /** How the limiter and backoff wait; with `clock`, lets a test run minutes of quota in ms. */
  sleep?: Sleep;
  /**
   * Monotonic ms the rate limiter measures with (default performance.now). Runs given the same
   * clock function share CopySnapshot's account gate; other clocks get their own.
   */
  clock?: MonotonicClock;
  /** Listing routes (tests of the truncation guard use `tagQueryOnly`). */
  listing?: ListingOptions;
}

export type RunEvent =
  | {
      type: 'phase';
      phase: 'preflight' | 'discover' | 'reconcile' | 'plan' | 'execute' | 'prune' | 'record';
    }
  | { type: 'planned'; perDestination: Record<string, number>; total: number }
  | {
      type: 'item';
      destRegion: string;
      outcome: Outcome;
      sourceSnapshotId: string;
      errorCode?: string;
    }
  | { type: 'destination-stopped'; destRegion: string; errorCode: string; message: string };

export interface DestinationSummary {
  region: string;
  counts: Record<Outcome, number>;
  /** Set when the destination was stopped (failed preflight, KMS error, quota...). */
  stopped?: { errorCode: string; message: string };
}

export interface RunSummary {
  runId: string;
  policy: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  dryRun: boolean;
  totals: Record<Outcome, number>;
  destinations: DestinationSummary[];
  /** Calls made per API action, e.g. {DescribeSnapshots: 12, CopySnapshot: 40}. */
  apiCalls: Record<string, number>;
  /** 0 ok, 1 some items failed, 3 aborted. */
  exitCode: number;
  aborted?: { errorCode: string; message: string };
  /** Another run of the policy held the lease: this one made no call and exited 0. */
  yielded?: { runId: string; since: string; expiresAt: string };
  /** Records the log store refused that are kept to be resent by the next run. */
  recordsPending?: number;
}

export type PlanAction =
  | 'copy'
  /** The run records this item failed without a call: a policy gap, a failed copy, a mismatch. */
  | 'fail'
  | 'already-copied'
  | 'in-progress'
  | 'deferred'
  | 'skipped'
  | 'prune'
  /** Plan only: a copy keepLast would let go, kept by a recovery-point rule (never recorded). */
  | 'keep';

export interface PlanItem {
  action: PlanAction;
  sourceRegion: string;
  sourceSnapshotId: string;
  sourceName: string;
  diskId: string;
  destRegion: string;
  /** Why this action: human-readable, stable enough for tests to match. */
  reason: string;
  copySnapshotId?: string;
  /** The code the run records for this item (action fail, deferred or skipped). */
  errorCode?: string;
  /** For action copy: what CopySnapshot would be sent. */
  copyName?: string;
  clientToken?: string;
  /** ISO 8601: the copy is locked (LockSnapshot, compliance mode) until then. */
  lockedUntil?: string;
  /** Hours since the source snapshot of the newest completed copy of this disk in this destination was taken (RPO debt). */
  stalenessHours?: number;
}

export interface Plan {
  policy: string;
  items: PlanItem[];
  /** API calls the plan needed, and those the run would add. */
  apiCalls: { made: Record<string, number>; wouldMake: Record<string, number> };
  destinations: { region: string; ok: boolean; errorCode?: string; message?: string }[];
  /**
   * Source regions of the shard; ok false when their snapshots could not be listed, so the
   * plan holds nothing of them (not "nothing to do"). Always set by planPolicy.
   */
  sources?: { region: string; ok: boolean; errorCode?: string; message?: string }[];
}
