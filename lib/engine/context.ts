import { CallCounter, countingClients } from '../cloud/metrics.ts';
import type { EcsApi, KmsApi } from '../cloud/ports.ts';
import type { ListingOptions } from '../domain/listing.ts';
import type { Policy } from '../policy/schema.ts';
import { RateLimiter, realSleep, type Sleep } from './limiter.ts';
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
  const limiter = new RateLimiter(opts.policy.limits.requestsPerMinute, {
    sleep,
    ...(clock ? { clock } : {}),
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
    budget,
    retry,
    sleep,
    now: opts.now ?? (() => new Date()),
    shard: opts.shard,
    signal,
    emit: (event) => opts.onEvent?.(event),
    listing: opts.tuning?.listing ?? {},
    call(api, region, fn, beforeSend) {
      return withRetry(fn, {
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

export function inShard(values: readonly string[] | undefined, value: string): boolean {
  return values === undefined || values.includes(value);
}
