/**
 * SignatureNonces seen within the timestamp window; a nonce older than the window cannot be
 * replayed anyway (its Timestamp would be rejected), so it is forgotten.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(
    private readonly windowMs: number,
    private readonly realNow: () => number = Date.now,
  ) {}

  /** Records the nonce; false if it was already used. */
  claim(accessKeyId: string, nonce: string): boolean {
    const now = this.realNow();
    if (now - this.lastSweep > 60_000) this.sweep(now);
    const key = `${accessKeyId}\u0000${nonce}`;
    const expires = this.seen.get(key);
    if (expires !== undefined && expires > now) return false;
    this.seen.set(key, now + 2 * this.windowMs);
    return true;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [k, exp] of this.seen) if (exp <= now) this.seen.delete(k);
  }
}
