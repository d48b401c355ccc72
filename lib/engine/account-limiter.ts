import { randomUUID } from 'node:crypto';
import { AdaptiveRate, type AdaptiveRateState } from './adaptive-rate.ts';
import { type MonotonicClock, realSleep, type Sleep } from './limiter.ts';

/**
 * The documented CopySnapshot flow control: 1000 requests per 60 s, per account (not per
 * region, not per caller). The adaptive rate never climbs past it unless an operator who had
 * the quota raised says so.
 */
export const COPY_SNAPSHOT_QUOTA_PER_MINUTE = 1000;

/**
 * Calls are counted where they arrive, and arrival drifts from sending by the network's jitter:
 * the window-exact bucket runs this fraction under the ceiling (10 calls a minute at the quota,
 * 0.6 s of jitter at 1000/min) so a bunch of late arrivals cannot push a window over it.
 */
export const ARRIVAL_MARGIN = 0.01;
/** The ceiling bucket's burst: small, since the pacing bucket in front of it smooths anyway. */
export const CEILING_BURST_FRACTION = 0.01;

/**
 * The fraction of a second's worth of calls the pacing bucket may hold: enough to absorb timer
 * lateness (a bucket of one token loses every late wake-up), small enough to stay smooth.
 */
const PACING_SECONDS = 0.5;

export interface AccountGateOptions {
  startPerMinute: number;
  ceilingPerMinute: number;
  clock?: MonotonicClock;
  sleep?: Sleep;
}

/**
 * One account's CopySnapshot gate, shared by every run in the process that spends that
 * account's quota. A call needs a token from two buckets at once: a pacing bucket refilled at
 * the adaptive rate, and a window-exact bucket at the ceiling (capacity c refilled at
 * ceiling − c per minute, as TokenBucket), so whatever the controller does the account never
 * sends more than the ceiling in any 60 s window from this process. One queue and one wait for
 * both: waiters are served first come, first served.
 */
export class AccountGate {
  readonly rate: AdaptiveRate;
  /** Names this gate on the claim board: runs sharing it count once in the quota share. */
  readonly id = randomUUID();
  /** The strictest operator cap (or the quota) before it is shared with other processes. */
  #base: number;
  #groups = 1;
  readonly #clock: MonotonicClock;
  readonly #sleep: Sleep;
  #pacing: number;
  #window = { capacity: 1, perMs: 0, tokens: 1 };
  #last: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: AccountGateOptions) {
    this.#clock = options.clock ?? (() => performance.now());
    this.#sleep = options.sleep ?? realSleep;
    const ceiling = Math.max(1, options.ceilingPerMinute);
    this.#base = ceiling;
    this.rate = new AdaptiveRate({
      startPerMinute: Math.min(options.startPerMinute, ceiling),
      ceilingPerMinute: ceiling,
      clock: this.#clock,
    });
    this.#setWindow(ceiling);
    this.#window.tokens = this.#window.capacity;
    this.#pacing = 1;
    this.#last = this.#clock();
  }

  /** The strictest cap of every policy that shares the gate holds, for all of them. */
  lowerCeiling(perMinute: number): void {
    if (perMinute >= this.#base) return;
    this.#base = perMinute;
    this.#applyCeiling();
  }

  /**
   * Live gates of this account in other processes (FC instances, a laptop) seen on the claim
   * board, this one included: each takes an equal part of the account's ceiling, so together
   * they stay under it. Raised again when the others leave.
   */
  shareWith(groups: number): void {
    const n = Math.max(1, Math.floor(groups));
    if (n === this.#groups) return;
    this.#groups = n;
    this.#applyCeiling();
  }

  get groups(): number {
    return this.#groups;
  }

  #applyCeiling(): void {
    const ceiling = Math.max(1, this.#base / this.#groups);
    this.rate.setCeiling(ceiling);
    this.#setWindow(ceiling);
  }

  state(): AdaptiveRateState & { ceilingPerMinute: number } {
    return { ...this.rate.state(), ceilingPerMinute: this.rate.ceilingPerMinute };
  }

  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#take(signal));
    this.#queue = turn.catch(() => {});
    return turn;
  }

  /** An answer that was not a throttle (success or another error): the rate may climb. */
  onSuccess(): void {
    this.rate.onSuccess();
  }

  /** A Throttling* answer: the quota is shared and someone else is using it. */
  onThrottle(): void {
    this.rate.onThrottle();
  }

  /** The window-exact bucket, a little under the ceiling for arrival jitter. */
  #setWindow(ceilingPerMinute: number): void {
    const perMinute = Math.max(1, Math.floor(ceilingPerMinute * (1 - ARRIVAL_MARGIN)));
    const capacity = Math.max(1, Math.floor(perMinute * CEILING_BURST_FRACTION));
    this.#window = {
      capacity,
      // At one per minute the refill is the minute itself (as TokenBucket).
      perMs: Math.max(perMinute - capacity, 1) / 60_000,
      tokens: Math.min(this.#window.tokens, capacity),
    };
  }

  async #take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      // Re-read the rate on every pass: a throttle while waiting slows the queue at once.
      const pacePerMs = this.rate.perMinute / 60_000;
      const paceCapacity = Math.max(1, (this.rate.perMinute / 60) * PACING_SECONDS);
      const now = this.#clock();
      const elapsed = Math.max(0, now - this.#last);
      this.#last = now;
      this.#pacing = Math.min(paceCapacity, this.#pacing + elapsed * pacePerMs);
      const w = this.#window;
      w.tokens = Math.min(w.capacity, w.tokens + elapsed * w.perMs);
      if (this.#pacing >= 1 && w.tokens >= 1) {
        this.#pacing -= 1;
        w.tokens -= 1;
        return;
      }
      const waitMs = Math.max(
        this.#pacing >= 1 ? 0 : (1 - this.#pacing) / pacePerMs,
        w.tokens >= 1 ? 0 : (1 - w.tokens) / w.perMs,
      );
      await this.#sleep(Math.ceil(waitMs), signal);
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    }
  }
}

/**
 * Gates by account, per clock: runs measured on one clock (the process's, or one test's
 * virtual clock) share a gate when they spend the same account's quota; a gate is never
 * shared between clocks, whose times cannot be compared.
 */
const REGISTRIES = new WeakMap<object, Map<string, AccountGate>>();
const PROCESS_CLOCK = {};

/**
 * The gate for `account` (an opaque key: a hash of endpoint and AccessKeyId, or an account
 * id), created with `options` the first time; later callers with a lower ceiling lower it.
 */
export function accountGate(account: string, options: AccountGateOptions): AccountGate {
  const scope = options.clock ?? PROCESS_CLOCK;
  let registry = REGISTRIES.get(scope);
  if (!registry) {
    registry = new Map();
    REGISTRIES.set(scope, registry);
  }
  const existing = registry.get(account);
  if (existing) {
    existing.lowerCeiling(options.ceilingPerMinute);
    return existing;
  }
  const gate = new AccountGate(options);
  registry.set(account, gate);
  return gate;
}
