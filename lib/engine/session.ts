import { CloudApiError } from '../cloud/errors.ts';
import { CallCounter, countingClients } from '../cloud/metrics.ts';
import type { ListingOptions } from '../domain/listing.ts';
import { DEFAULT_REQUESTS_PER_MINUTE, type Policy } from '../policy/schema.ts';
import type { EcsApi, KmsApi } from '../ports.ts';
import { RecordBook } from '../records/book.ts';
import {
  type AccountGate,
  accountGate,
  COPY_SNAPSHOT_QUOTA_PER_MINUTE,
} from './account-limiter.ts';
import { isThrottling } from './classify.ts';
import { type MonotonicClock, RateLimiter, realSleep, type Sleep } from './limiter.ts';
import type { DestinationCopies } from './reconcile.ts';
import {
  type Attempted,
  RETRY_DEFAULTS,
  RetryBudget,
  type RetryConfig,
  withRetry,
} from './retry.ts';
import { StopState } from './stop.ts';
import type { RunEvent, RunOptions, Shard } from './types.ts';
import { BlockingCopies } from './waiting.ts';

/**
 * The read-only part of a run: counted clients, the limiter, the retry budget, clocks. Enough
 * for every step that only lists (preflight, discover, reconcile, plan) and for `plan` and
 * `status`, which make no change.
 */
export interface PlanSession {
  policy: Policy;
  ecs: EcsApi;
  kms: KmsApi;
  counter: CallCounter;
  limiter: RateLimiter;
  /** CopySnapshot's account gate (shared by the runs of this process on one account). */
  copyGate: AccountGate;
  budget: RetryBudget;
  retry: RetryConfig;
  sleep: Sleep;
  now: () => Date;
  shard: Shard | undefined;
  signal: AbortSignal | undefined;
  emit: (event: RunEvent) => void;
  /** How listings may route past the tag cap (tests narrow it to check the truncation guard). */
  listing: ListingOptions;
  /**
   * One rate-limited, retried API call. `beforeSend` runs after each token is taken, before
   * every attempt, and may throw to cancel the call (time budget, stop flags): a retry is new
   * work too, and retries past the budget would run the function into its timeout.
   */
  call<T>(
    api: string,
    region: string,
    fn: () => Promise<T>,
    beforeSend?: () => void,
  ): Promise<Attempted<T>>;
}

/** What a plan session is made from: a run's options without what only a run needs. */
export type PlanSessionOptions = Pick<
  RunOptions,
  'policy' | 'cloud' | 'now' | 'shard' | 'signal' | 'onEvent' | 'tuning'
>;

/**
 * One run: the plan session plus what the writing steps share — the record book, the stop
 * state, dry run. Every step of a run takes this one object.
 */
export interface RunSession extends PlanSession {
  runId: string;
  dryRun: boolean;
  book: RecordBook;
  /** Why no new work may start (a stopped destination, an abort, the budget, a signal). */
  stop: StopState;
  /** What each destination listed before the run started (phantom detection needs it). */
  listings: Map<string, DestinationCopies>;
  /** Records per selected (destination, source region, snapshot): the no-silent-skip check. */
  decided: Map<string, number>;
  /** Item records seen so far: a copy waited for is known to have started, or not. */
  blocking: BlockingCopies;
  startedAt: Date;
  /** performance.now() at the start: durations and call deadlines are measured from it. */
  startedMs: number;
}

export function createPlanSession(opts: PlanSessionOptions): PlanSession {
  const counter = new CallCounter();
  const { ecs, kms } = countingClients(opts.cloud, counter);
  const retry: RetryConfig = { ...RETRY_DEFAULTS, ...opts.tuning?.retry };
  const sleep = opts.tuning?.sleep ?? realSleep;
  const clock = opts.tuning?.clock;
  const copyGate = copySnapshotGate(opts.policy, opts.cloud.quotaKey, clock, sleep);
  const limiter = new RateLimiter(opts.policy.limits.requestsPerMinute, {
    sleep,
    ...(clock ? { clock } : {}),
    shared: { CopySnapshot: copyGate },
  });
  const budget = new RetryBudget(retry);
  const signal = opts.signal;
  const maxAttempts = opts.policy.limits.maxAttempts;
  return {
    policy: opts.policy,
    ecs,
    kms,
    counter,
    limiter,
    copyGate,
    budget,
    retry,
    sleep,
    now: opts.now ?? (() => new Date()),
    shard: opts.shard,
    signal,
    emit: (event) => opts.onEvent?.(event),
    listing: opts.tuning?.listing ?? {},
    call(api, region, fn, beforeSend) {
      const answered = async () => {
        try {
          const value = await fn();
          limiter.answered(api, false);
          return value;
        } catch (error) {
          // Only answers count: a reset or timeout says nothing about the quota.
          if (error instanceof CloudApiError && error.httpStatus !== undefined) {
            limiter.answered(api, isThrottling(error.code));
          }
          throw error;
        }
      };
      return withRetry(answered, {
        maxAttempts,
        budget,
        config: retry,
        sleep,
        signal,
        beforeAttempt: async () => {
          // No signal here: a stop ends new copies at beforeSend, while listings in flight finish.
          await limiter.acquire(api, region);
          beforeSend?.();
        },
      });
    },
  };
}

/**
 * CopySnapshot's quota is per account: one gate per account for every run in the process, its
 * rate starting at the policy's figure and capped by the operator's (default: the quota).
 */
function copySnapshotGate(
  policy: Policy,
  quotaKey: string | undefined,
  clock: MonotonicClock | undefined,
  sleep: Sleep,
) {
  const start =
    policy.limits.requestsPerMinute.CopySnapshot ?? DEFAULT_REQUESTS_PER_MINUTE.CopySnapshot;
  const ceiling =
    policy.limits.accountCopySnapshotsPerMinute ?? Math.max(COPY_SNAPSHOT_QUOTA_PER_MINUTE, start);
  return accountGate(quotaKey ?? 'default', {
    startPerMinute: Math.min(start, ceiling),
    ceilingPerMinute: ceiling,
    sleep,
    ...(clock ? { clock } : {}),
  });
}

/** A run's session: the plan session, the record book (which feeds the counters) and stops. */
export function openRunSession(opts: RunOptions, now: () => Date): RunSession {
  const startedAt = now();
  const startedMs = performance.now();
  const dryRun = opts.dryRun ?? false;
  const decided = new Map<string, number>();
  const blocking = new BlockingCopies();
  const book = new RecordBook({
    sink: opts.sink,
    runId: opts.runId,
    policy: opts.policy.name,
    now,
    onItem: (record) => {
      const key = `${record.destRegion}|${record.sourceRegion}|${record.sourceSnapshotId}`;
      decided.set(key, (decided.get(key) ?? 0) + 1);
      blocking.observe(record);
    },
    dryRun,
  });
  const stop = new StopState({
    now,
    deadline:
      opts.budgetMs === undefined
        ? undefined
        : startedAt.getTime() + opts.budgetMs * opts.policy.limits.timeBudgetFraction,
    signal: opts.signal,
  });
  return {
    ...createPlanSession({ ...opts, now }),
    runId: opts.runId,
    dryRun,
    book,
    stop,
    listings: new Map(),
    decided,
    blocking,
    startedAt,
    startedMs,
  };
}

export function inShard(values: readonly string[] | undefined, value: string): boolean {
  return values === undefined || values.includes(value);
}
