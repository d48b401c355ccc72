import { CloudApiError } from '../cloud/errors.ts';
import { CallCounter, countingClients } from '../cloud/metrics.ts';
import type { ListingOptions } from '../domain/listing.ts';
import { DEFAULT_REQUESTS_PER_MINUTE, type Policy } from '../policy/schema.ts';
import type { EcsApi, KmsApi } from '../ports.ts';
import {
  type AccountGate,
  accountGate,
  COPY_SNAPSHOT_QUOTA_PER_MINUTE,
} from './account-limiter.ts';
import { isThrottling } from './classify.ts';
import { type MonotonicClock, RateLimiter, realSleep, type Sleep } from './limiter.ts';
import {
  type Attempted,
  RETRY_DEFAULTS,
  RetryBudget,
  type RetryConfig,
  withRetry,
} from './retry.ts';
import type { RunEvent, RunOptions, Shard } from './types.ts';

/** What every step of a run shares: counted clients, the limiter, the retry budget, clocks. */
export interface EngineContext {
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

export function createContext(
  opts: Pick<RunOptions, 'policy' | 'cloud' | 'now' | 'shard' | 'signal' | 'onEvent' | 'tuning'>,
): EngineContext {
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

export function inShard(values: readonly string[] | undefined, value: string): boolean {
  return values === undefined || values.includes(value);
}
