/**
 * A CUBIC-shaped send rate fed by throttling answers, after the AWS SDKs' adaptive retry mode
 * (smithy-typescript `DefaultRateLimiter`: beta 0.7, a cubic climb back to the last rate that
 * was throttled, a smoothed measured send rate). It only computes the rate; the bucket that
 * paces calls at it lives in account-limiter.ts.
 *
 * Differences from smithy, and why:
 * - It starts at the configured rate and is always on (smithy sends unthrottled until the
 *   first throttle): a DR run must not open with a burst against a shared account quota.
 * - It never goes above `ceilingPerMinute` (the operator's cap, at most the quota) nor below
 *   `floorPerMinute`, so one throttling storm cannot stall a run for good.
 * - No "at most twice the measured rate" clamp on the climb: the window-exact ceiling bounds
 *   it, and a gate shared by runs hours apart would otherwise restart from an idle measure.
 * - The cubic scale constant is per minute (the quota's window), not per second: smithy's 0.4
 *   recovers within ~2 s at our rate, which makes a throttle every ~30 calls beside another
 *   caller; a climb over ~10-20 s makes one every few hundred.
 */

/** Monotonic milliseconds. */
export type RateClock = () => number;

/** Answers further apart than this restart the measured send rate. */
const MEASURE_GAP_MS = 5_000;

export const ADAPTIVE_DEFAULTS = {
  /** Multiplicative decrease on a throttle (smithy: 0.7). */
  beta: 0.7,
  /**
   * Cubic scale, in (calls/min) per s³: at 700/min the climb back to the throttled rate takes
   * K = cbrt(700 × 0.3 / 0.02) ≈ 22 s.
   */
  scalePerMinute: 0.02,
  /** Weight of the newest half-second bucket in the measured send rate (smithy: 0.8). */
  smooth: 0.8,
  /** The rate never falls below this (calls per minute). */
  floorPerMinute: 6,
} as const;

export interface AdaptiveRateOptions {
  /** Where the rate starts (the policy's configured rate). */
  startPerMinute: number;
  /** Where the climb stops: the operator's cap, at most the account quota. */
  ceilingPerMinute: number;
  clock: RateClock;
  beta?: number;
  scalePerMinute?: number;
  smooth?: number;
  floorPerMinute?: number;
}

/** A snapshot of the controller for logs, tests and the benchmark. */
export interface AdaptiveRateState {
  perMinute: number;
  lastMaxPerMinute: number;
  measuredPerMinute: number;
  throttles: number;
}

export class AdaptiveRate {
  readonly #beta: number;
  readonly #scale: number;
  readonly #smooth: number;
  readonly #floor: number;
  readonly #clock: RateClock;
  #ceiling: number;
  #rate: number;
  /** W_max: the rate the last throttle came at (or the start rate before any). */
  #lastMax: number;
  /** Seconds the cubic takes to get back to #lastMax (K). */
  #window = 0;
  #lastThrottleMs: number;
  #measured = 0;
  #bucketCount = 0;
  /** Unset until the first answer: the time before it says nothing about the send rate. */
  #bucketStartMs: number | undefined;
  #throttles = 0;

  constructor(options: AdaptiveRateOptions) {
    if (!(options.startPerMinute > 0)) throw new RangeError('startPerMinute must be > 0');
    if (!(options.ceilingPerMinute > 0)) throw new RangeError('ceilingPerMinute must be > 0');
    this.#beta = options.beta ?? ADAPTIVE_DEFAULTS.beta;
    this.#scale = options.scalePerMinute ?? ADAPTIVE_DEFAULTS.scalePerMinute;
    this.#smooth = options.smooth ?? ADAPTIVE_DEFAULTS.smooth;
    this.#floor = Math.min(
      options.floorPerMinute ?? ADAPTIVE_DEFAULTS.floorPerMinute,
      options.startPerMinute,
    );
    this.#clock = options.clock;
    this.#ceiling = options.ceilingPerMinute;
    this.#rate = Math.min(options.startPerMinute, this.#ceiling);
    this.#lastMax = this.#rate;
    const now = this.#clock();
    this.#lastThrottleMs = now;
  }

  /** The rate calls may be sent at now, in calls per minute. */
  get perMinute(): number {
    return this.#rate;
  }

  get ceilingPerMinute(): number {
    return this.#ceiling;
  }

  /** Lowers (never raises) the ceiling: the strictest cap of every policy sharing it holds. */
  lowerCeiling(perMinute: number): void {
    if (perMinute < this.#ceiling) this.setCeiling(perMinute);
  }

  /**
   * Sets the ceiling, up or down: the account's quota shared with other processes changes as
   * they come and go. Down clamps the rate at once; up lets the cubic climb on to it.
   */
  setCeiling(perMinute: number): void {
    if (!(perMinute > 0)) return;
    this.#ceiling = perMinute;
    this.#rate = Math.min(this.#rate, perMinute);
    this.#lastMax = Math.min(this.#lastMax, perMinute);
  }

  state(): AdaptiveRateState {
    return {
      perMinute: this.#rate,
      lastMaxPerMinute: this.#lastMax,
      measuredPerMinute: this.#measured,
      throttles: this.#throttles,
    };
  }

  /** An answer that was not a throttle: climb along the cubic. */
  onSuccess(): void {
    const now = this.#clock();
    this.#measure(now);
    const t = (now - this.#lastThrottleMs) / 1000 - this.#window;
    this.#set(this.#scale * t ** 3 + this.#lastMax);
  }

  /** A `Throttling*` answer: remember the rate it came at and drop to beta times it. */
  onThrottle(): void {
    const now = this.#clock();
    this.#measure(now);
    this.#throttles += 1;
    // The rate actually sent, when known, is what the quota refused; the allowed rate may be
    // far above it when concurrency, not the limiter, held the calls back.
    const sent = this.#measured > 0 ? Math.min(this.#measured, this.#rate) : this.#rate;
    // Several calls in flight are refused for one overload: only the first one backs off.
    if (now - this.#lastThrottleMs < this.#minGapMs() && this.#throttles > 1) return;
    this.#lastMax = Math.max(sent, this.#floor);
    this.#window = Math.cbrt((this.#lastMax * (1 - this.#beta)) / this.#scale);
    this.#lastThrottleMs = now;
    this.#set(this.#lastMax * this.#beta);
  }

  /** One call's worth of time at the rate before the throttle: answers to calls already sent. */
  #minGapMs(): number {
    return Math.max(1_000, 60_000 / Math.max(this.#rate, 1));
  }

  #set(perMinute: number): void {
    this.#rate = Math.min(this.#ceiling, Math.max(this.#floor, perMinute));
  }

  /**
   * Answers per minute, in half-second buckets smoothed like smithy's measured tx rate. A gap
   * of more than MEASURE_GAP_MS (the listing before the first copy, the hours between two
   * scheduled runs) is no evidence of a low rate: the measurement starts over, unknown.
   */
  #measure(now: number): void {
    if (this.#bucketStartMs === undefined || now - this.#bucketStartMs > MEASURE_GAP_MS) {
      this.#measured = 0;
      this.#bucketCount = 0;
      this.#bucketStartMs = now;
      return;
    }
    const elapsed = now - this.#bucketStartMs;
    this.#bucketCount += 1;
    if (elapsed < 500) return;
    const current = (this.#bucketCount * 60_000) / elapsed;
    this.#measured =
      this.#measured === 0 ? current : current * this.#smooth + this.#measured * (1 - this.#smooth);
    this.#bucketCount = 0;
    this.#bucketStartMs = now;
  }
}
