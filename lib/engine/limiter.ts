import { DEFAULT_REQUESTS_PER_MINUTE } from '../policy/schema.ts';

/** Monotonic milliseconds (performance.now in production; tests may step their own). */
export type MonotonicClock = () => number;

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Sleepers waiting on one AbortSignal. Under throttling hundreds of calls back off at once on
 * the run's signal; one listener each would trip Node's MaxListenersExceededWarning (a false
 * leak report on the operator's terminal), so each signal gets one listener that wakes them all.
 */
const sleepersBySignal = new WeakMap<AbortSignal, Set<() => void>>();

function onAbort(signal: AbortSignal, wake: () => void): () => void {
  let sleepers = sleepersBySignal.get(signal);
  if (sleepers === undefined) {
    const set = new Set<() => void>();
    sleepers = set;
    sleepersBySignal.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        sleepersBySignal.delete(signal);
        for (const sleeper of set) sleeper();
      },
      { once: true },
    );
  }
  sleepers.add(wake);
  const set = sleepers;
  return () => {
    set.delete(wake);
  };
}

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    const forget = signal ? onAbort(signal, done) : undefined;
    function done() {
      clearTimeout(timer);
      forget?.();
      resolve();
    }
  });

/** Unknown APIs get this rate; every API the engine calls has a default in the schema. */
const FALLBACK_PER_MINUTE = 600;
/**
 * 2 % of the per-minute rate may go out at once; the rest is spread over the minute. The burst
 * is paid for out of the steady rate (see TokenBucket), so a small one keeps a long backlog
 * close to the configured rate (900/min -> 882/min sustained) while still never exceeding it.
 */
export const BURST_FRACTION = 0.02;

/**
 * A token bucket that never lets more than `perMinute` calls through in ANY 60 s window:
 * capacity C = perMinute × BURST_FRACTION refilled at (perMinute − C) per minute, so C + (perMinute − C)
 * is the most a window can see. Waiters queue in order; nothing is ever dropped.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly #refillPerMs: number;
  readonly #clock: MonotonicClock;
  readonly #sleep: Sleep;
  #tokens: number;
  #last: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(perMinute: number, options: { clock?: MonotonicClock; sleep?: Sleep } = {}) {
    if (!(perMinute >= 1)) throw new RangeError('Expected `perMinute` to be at least 1');
    this.capacity = Math.max(1, Math.floor(perMinute * BURST_FRACTION));
    // At one per minute the refill is the minute itself: the next token lands exactly 60 s
    // after the last one, outside the window that one opened.
    this.#refillPerMs = Math.max(perMinute - this.capacity, 1) / 60_000;
    this.#clock = options.clock ?? (() => performance.now());
    this.#sleep = options.sleep ?? realSleep;
    this.#tokens = this.capacity;
    this.#last = this.#clock();
  }

  /** Resolves when a token was taken. Callers are served first come, first served. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#take(signal));
    this.#queue = turn.catch(() => {});
    return turn;
  }

  async #take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      this.#refill();
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      if (this.#refillPerMs <= 0) throw new RangeError('bucket never refills');
      const waitMs = Math.ceil((1 - this.#tokens) / this.#refillPerMs);
      await this.#sleep(waitMs, signal);
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    }
  }

  #refill(): void {
    const now = this.#clock();
    this.#tokens = Math.min(this.capacity, this.#tokens + (now - this.#last) * this.#refillPerMs);
    this.#last = now;
  }
}

/** A limiter shared beyond one (API, region): CopySnapshot's account-wide gate. */
export interface SharedGate {
  acquire(signal?: AbortSignal): Promise<void>;
  onSuccess(): void;
  onThrottle(): void;
}

export interface RateLimiterOptions {
  clock?: MonotonicClock;
  sleep?: Sleep;
  /**
   * APIs whose quota is not per region: every call of such an API, from any region, goes
   * through its gate instead of an (API, region) bucket (CopySnapshot: per account).
   */
  shared?: Readonly<Record<string, SharedGate>>;
}

/**
 * One token bucket per (API, region): ECS throttles most APIs per API, per region, per account.
 * APIs with a shared gate (CopySnapshot, whose quota is per account) go through it instead.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #rates: Record<string, number>;
  readonly #options: { clock?: MonotonicClock; sleep?: Sleep };
  readonly #shared: Readonly<Record<string, SharedGate>>;

  constructor(requestsPerMinute: Record<string, number> = {}, options: RateLimiterOptions = {}) {
    this.#rates = { ...DEFAULT_REQUESTS_PER_MINUTE, ...requestsPerMinute };
    const { shared, ...bucketOptions } = options;
    this.#options = bucketOptions;
    this.#shared = shared ?? {};
  }

  ratePerMinute(api: string): number {
    return this.#rates[api] ?? FALLBACK_PER_MINUTE;
  }

  acquire(api: string, region: string, signal?: AbortSignal): Promise<void> {
    const gate = this.#shared[api];
    if (gate) return gate.acquire(signal);
    const key = `${api}|${region}`;
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerMinute(api), this.#options);
      this.#buckets.set(key, bucket);
    }
    return bucket.acquire(signal);
  }

  /** Feeds an answer back to an adaptive gate: a throttle lowers its rate, anything else may raise it. */
  answered(api: string, throttled: boolean): void {
    const gate = this.#shared[api];
    if (!gate) return;
    if (throttled) gate.onThrottle();
    else gate.onSuccess();
  }
}
