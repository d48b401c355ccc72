/**
 * The one retry loop: attempts, exponential backoff with full jitter, a classify callback that
 * says what is worth another try, an optional time cap and abort signal, and an injectable
 * clock, sleep and random source so tests observe the backoff instead of waiting it out.
 * Every caller (the engine's cloud calls, the SLS sink and reader, the claim store, the alert
 * webhook, the organisation fan-out) keeps its own numbers; only the loop is shared.
 */

export type RetrySleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * What to do after a failed attempt: give up, or try again (optionally with a different base
 * delay: throttling backs off from a longer one).
 */
export type RetryVerdict = false | true | { baseDelayMs: number };

/** Why the loop stopped: the classify callback said no, the attempts ran out, and so on. */
export type GiveUpReason = 'fatal' | 'attempts' | 'aborted' | 'time' | (string & {});

export const Jitter = {
  /** random(0, ceiling) */
  Full: 'full',
  /** floor(random(0, ceiling)): whole milliseconds. */
  FullWholeMs: 'full-whole-ms',
  /** The ceiling itself: a fixed exponential backoff. */
  None: 'none',
} as const;
export type Jitter = (typeof Jitter)[keyof typeof Jitter];

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  /** The ceiling never grows past this; default: no cap. */
  maxDelayMs?: number | undefined;
  /** Default full jitter. */
  jitter?: Jitter | undefined;
  /**
   * No new attempt starts once the time since the first, plus the next ceiling, reaches this
   * (a hanging service must not hold the caller).
   */
  maxTotalMs?: number | undefined;
}

export interface RetryOptions extends RetryPolicy {
  /** Default: every error is worth another try. */
  classify?: ((error: unknown, attempt: number) => RetryVerdict) | undefined;
  /** Checked after a failure, before waiting: an aborted signal stops the loop. */
  signal?: AbortSignal | undefined;
  /** Runs before every attempt (a rate limiter's acquire). */
  beforeAttempt?: (() => Promise<void>) | undefined;
  /**
   * The last say before a wait of `delayMs`: a reason stops the loop (a retry budget spent, a
   * deadline the wait would pass), undefined waits.
   */
  beforeWait?:
    | ((wait: { error: unknown; attempt: number; delayMs: number }) => GiveUpReason | undefined)
    | undefined;
  /** The error to throw when the loop stops; default the last error itself. */
  giveUp?:
    | ((error: unknown, stop: { attempts: number; reason: GiveUpReason }) => unknown)
    | undefined;
  sleep?: RetrySleep | undefined;
  random?: (() => number) | undefined;
  /** Epoch ms, for maxTotalMs. */
  now?: (() => number) | undefined;
}

export interface Attempted<T> {
  value: T;
  attempts: number;
}

/** Full jitter: random(0, min(cap, base · 2^attempt)). `attempt` counts from 0. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  return random() * backoffCeiling(attempt, baseMs, capMs);
}

/** min(cap, base · 2^attempt), `attempt` from 0: the most a full-jitter wait can be. */
export function backoffCeiling(attempt: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** attempt);
}

export const timerSleep: RetrySleep = (ms) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call` (told its attempt number, from 1) until it succeeds or the loop gives up: the
 * classify callback says the error is final, the attempts or the time run out, the signal
 * aborts, or beforeWait says stop. The checks run in that order.
 */
export async function retry<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<Attempted<T>> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? timerSleep;
  const random = options.random ?? Math.random;
  const cap = options.maxDelayMs ?? Number.POSITIVE_INFINITY;
  const started = options.maxTotalMs === undefined ? 0 : now();
  const stop = (error: unknown, attempts: number, reason: GiveUpReason): unknown =>
    options.giveUp ? options.giveUp(error, { attempts, reason }) : error;
  for (let attempt = 1; ; attempt++) {
    try {
      if (options.beforeAttempt) await options.beforeAttempt();
      return { value: await call(attempt), attempts: attempt };
    } catch (error) {
      const verdict = options.classify ? options.classify(error, attempt) : true;
      if (verdict === false) throw stop(error, attempt, 'fatal');
      if (attempt >= options.attempts) throw stop(error, attempt, 'attempts');
      const base = typeof verdict === 'object' ? verdict.baseDelayMs : options.baseDelayMs;
      const ceiling = backoffCeiling(attempt - 1, base, cap);
      if (options.maxTotalMs !== undefined && now() - started + ceiling >= options.maxTotalMs) {
        throw stop(error, attempt, 'time');
      }
      if (options.signal?.aborted) throw stop(error, attempt, 'aborted');
      const jitter = options.jitter ?? Jitter.Full;
      const delayMs =
        jitter === Jitter.None
          ? ceiling
          : jitter === Jitter.FullWholeMs
            ? Math.floor(random() * ceiling)
            : random() * ceiling;
      const reason = options.beforeWait?.({ error, attempt, delayMs });
      if (reason !== undefined) throw stop(error, attempt, reason);
      await sleep(delayMs, options.signal);
    }
  }
}
