import type { Claim, ClaimStore } from '../ports.ts';
import type { Sleep } from './limiter.ts';

export const CLAIM_DEFAULTS = {
  /** A claim lives this long unless renewed; a crashed holder blocks no longer. */
  ttlMs: 2 * 60_000,
  /**
   * Wait between writing a claim and reading the board: a log store makes a write searchable
   * after an index delay, and a claim written before it is not seen by the reader.
   */
  settleMs: 3_000,
} as const;

export interface ClaimBoardOptions {
  store: ClaimStore;
  scope: string;
  holder: string;
  group?: string;
  /** Wall clock (epoch ms): claims are compared across machines. */
  now: () => number;
  sleep: Sleep;
  ttlMs?: number;
  settleMs?: number;
}

/** The newest claim of each holder that is still live at `nowMs`, oldest holder first. */
export function liveClaims(claims: readonly Claim[], nowMs: number): Claim[] {
  const newest = new Map<string, Claim>();
  const released = new Set<string>();
  for (const claim of claims) {
    // A release is final: a renewal that raced it does not bring the holder back.
    if (claim.released) released.add(claim.holder);
    const seen = newest.get(claim.holder);
    if (!seen || claim.writtenAt > seen.writtenAt) newest.set(claim.holder, claim);
  }
  for (const holder of released) newest.delete(holder);
  return [...newest.values()]
    .filter((c) => c.expiresAt > nowMs)
    .sort((a, b) => a.startedAt - b.startedAt || (a.holder < b.holder ? -1 : 1));
}

/** One participant's claim on a board. */
export class ClaimBoard {
  readonly scope: string;
  readonly holder: string;
  readonly ttlMs: number;
  readonly settleMs: number;
  readonly #store: ClaimStore;
  readonly #group: string;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  #startedAt: number | undefined;

  constructor(options: ClaimBoardOptions) {
    this.#store = options.store;
    this.scope = options.scope;
    this.holder = options.holder;
    this.#group = options.group ?? options.holder;
    this.#now = options.now;
    this.#sleep = options.sleep;
    this.ttlMs = options.ttlMs ?? CLAIM_DEFAULTS.ttlMs;
    this.settleMs = options.settleMs ?? CLAIM_DEFAULTS.settleMs;
  }

  /** Writes (or renews) this holder's claim. */
  async claim(): Promise<Claim> {
    const now = this.#now();
    this.#startedAt ??= now;
    const claim = this.#claim(now, false);
    await this.#store.put(claim);
    return claim;
  }

  /** Claims, waits out the store's index delay, and returns the live claims it then reads. */
  async join(signal?: AbortSignal): Promise<Claim[]> {
    await this.claim();
    await this.#sleep(this.settleMs, signal);
    return this.live();
  }

  /** The live claims of the scope (this holder's among them when its claim is visible). */
  async live(): Promise<Claim[]> {
    const now = this.#now();
    // A claim written more than a TTL ago has expired unless renewed since, which is newer.
    const claims = await this.#store.read(this.scope, now - this.ttlMs - 60_000, now + 60_000);
    return liveClaims(
      claims.filter((c) => c.scope === this.scope),
      now,
    );
  }

  /**
   * Renews the claim every `periodMs` until the returned stop is called; with `onLive`, reads
   * the board after each renewal too. A failed renewal or read is retried at the next period:
   * the claim lives a TTL, three periods or more.
   */
  keepAlive(periodMs: number, onLive?: (live: Claim[]) => void): () => Promise<void> {
    const stop = new AbortController();
    const loop = (async () => {
      while (!stop.signal.aborted) {
        await this.#sleep(periodMs, stop.signal);
        if (stop.signal.aborted) return;
        try {
          await this.claim();
          if (onLive) onLive(await this.live());
        } catch {
          // The store is down for now; the claim stays live until its expiry.
        }
      }
    })();
    return async () => {
      stop.abort();
      await loop;
    };
  }

  /** Ends this holder's claim at once (best effort: else it expires after the TTL). */
  async release(): Promise<void> {
    if (this.#startedAt === undefined) return;
    await this.#store.put(this.#claim(this.#now(), true));
  }

  #claim(now: number, released: boolean): Claim {
    return {
      scope: this.scope,
      holder: this.holder,
      group: this.#group,
      startedAt: this.#startedAt ?? now,
      expiresAt: released ? now : now + this.ttlMs,
      writtenAt: now,
      released,
    };
  }
}
