import { callTimeLeftMs } from '../cloud/call-deadline.ts';
import { CloudApiError } from '../cloud/errors.ts';
import { Code } from '../codes.ts';
import { type Attempted, retry } from '../retry.ts';
import { classify, ErrorClass, isThrottling } from './classify.ts';
import { realSleep, type Sleep } from './limiter.ts';

/** smithy-style tunables (util-retry/constants.ts), kept as data so tests can shrink them. */
export const RETRY_DEFAULTS = {
  baseDelayMs: 100,
  throttlingBaseDelayMs: 500,
  maxDelayMs: 20_000,
  /** The retry budget: each retry spends tokens, each success refunds some. */
  initialRetryTokens: 500,
  retryCost: 5,
  timeoutRetryCost: 10,
  noRetryIncrement: 1,
} as const;

export interface RetryConfig {
  baseDelayMs: number;
  throttlingBaseDelayMs: number;
  maxDelayMs: number;
  initialRetryTokens: number;
  retryCost: number;
  timeoutRetryCost: number;
  noRetryIncrement: number;
}

export { backoffDelay } from '../retry.ts';

/**
 * A token bucket of retry cost shared by a whole run: when many calls fail at once (an outage),
 * retries stop early instead of multiplying load. Successes refill it.
 */
export class RetryBudget {
  #tokens: number;
  readonly #config: RetryConfig;

  constructor(config: RetryConfig = RETRY_DEFAULTS) {
    this.#config = config;
    this.#tokens = config.initialRetryTokens;
  }

  get tokens(): number {
    return this.#tokens;
  }

  /** Takes the cost of one retry; false when the budget is spent. */
  tryAcquire(code: string): number | undefined {
    const cost =
      code === Code.RequestTimeout ? this.#config.timeoutRetryCost : this.#config.retryCost;
    if (this.#tokens < cost) return undefined;
    this.#tokens -= cost;
    return cost;
  }

  /** After a success: refund what its retries cost, or a little when it needed none. */
  release(spent: number): void {
    const refund = spent > 0 ? spent : this.#config.noRetryIncrement;
    this.#tokens = Math.min(this.#config.initialRetryTokens, this.#tokens + refund);
  }
}

export interface RetryOptions {
  maxAttempts: number;
  budget: RetryBudget;
  config?: RetryConfig;
  sleep?: Sleep;
  random?: () => number;
  signal?: AbortSignal | undefined;
  /** Runs before every attempt (the rate limiter's acquire). */
  beforeAttempt?: () => Promise<void>;
}

export type { Attempted } from '../retry.ts';

type ExhaustedReason = 'attempts' | 'budget' | 'aborted' | 'time budget';

/** A call that failed for good, with how many attempts it took. */
export class RetriesExhaustedError extends CloudApiError {
  readonly attempts: number;

  constructor(last: CloudApiError, attempts: number, why: ExhaustedReason) {
    super({
      code: last.code,
      message: `${last.message} (gave up after ${attempts} attempt(s): ${why})`,
      api: last.api,
      region: last.region,
      httpStatus: last.httpStatus,
      requestId: last.requestId,
      cause: last,
    });
    this.attempts = attempts;
  }
}

/**
 * Runs `call` until it succeeds, fails with a non-retryable code, runs out of attempts or of
 * budget, or the signal aborts. The call is the same request each time: a CopySnapshot retried
 * after a timeout carries the same ClientToken, so an accepted copy is not made twice.
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  options: RetryOptions,
): Promise<Attempted<T>> {
  const config = options.config ?? RETRY_DEFAULTS;
  let spent = 0;
  const result = await retry(call, {
    attempts: options.maxAttempts,
    baseDelayMs: config.baseDelayMs,
    maxDelayMs: config.maxDelayMs,
    sleep: options.sleep ?? realSleep,
    random: options.random,
    signal: options.signal,
    beforeAttempt: options.beforeAttempt,
    classify: (error) => {
      if (!(error instanceof CloudApiError)) return false;
      if (classify(error.code, error.httpStatus) !== ErrorClass.RetryNow) return false;
      return isThrottling(error.code) ? { baseDelayMs: config.throttlingBaseDelayMs } : true;
    },
    beforeWait: ({ error, delayMs }) => {
      const cost = options.budget.tryAcquire((error as CloudApiError).code);
      if (cost === undefined) return 'budget';
      // A retry that could only start after the deadline is not worth the wait.
      const left = callTimeLeftMs();
      if (left !== undefined && delayMs >= left) {
        options.budget.release(cost);
        return 'time budget';
      }
      spent += cost;
      return undefined;
    },
    giveUp: (error, { attempts, reason }) => {
      if (!(error instanceof CloudApiError)) return error;
      if (reason === 'fatal') {
        return attempts > 1 ? new RetriesExhaustedError(error, attempts, 'attempts') : error;
      }
      return new RetriesExhaustedError(error, attempts, reason as ExhaustedReason);
    },
  });
  options.budget.release(spent);
  return result;
}

/** How many attempts an error took (1 unless it went through withRetry's retries). */
export function attemptsOf(error: unknown): number {
  return error instanceof RetriesExhaustedError ? error.attempts : 1;
}
