/** A throttle rule: requests per minute with a burst, for one API, optionally one region. */
export interface ThrottleRule {
  perMinute: number;
  burst?: number;
  region?: string;
}

/** Defaults modelled on the documented flow control (CopySnapshot: 1000 requests / 60 s). */
export const DEFAULT_THROTTLES: Record<string, ThrottleRule> = {
  CopySnapshot: { perMinute: 1000 },
};

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets per (API, region), refilled on the virtual clock so tests refill them by
 * advancing time. A region-specific rule overrides the API-wide one for that region.
 */
export class Throttler {
  private rules = new Map<string, ThrottleRule>();
  private readonly buckets = new Map<string, Bucket>();

  constructor() {
    this.reset();
  }

  reset(): void {
    this.rules = new Map(Object.entries(DEFAULT_THROTTLES));
    this.buckets.clear();
  }

  set(api: string, rule: ThrottleRule): void {
    if (!(rule.perMinute > 0)) throw new RangeError('perMinute must be > 0');
    this.rules.set(rule.region === undefined ? api : `${api}@${rule.region}`, rule);
    for (const key of this.buckets.keys()) if (key.startsWith(`${api}@`)) this.buckets.delete(key);
  }

  /** Removes the rule (the API becomes unthrottled). */
  clear(api: string, region?: string): void {
    this.rules.delete(region === undefined ? api : `${api}@${region}`);
    for (const key of this.buckets.keys()) if (key.startsWith(`${api}@`)) this.buckets.delete(key);
  }

  list(): Record<string, ThrottleRule> {
    return Object.fromEntries(this.rules);
  }

  /** Takes a token for (api, region); false = throttled. */
  take(api: string, region: string | undefined, now: number): boolean {
    const r = region ?? '*';
    const rule = this.rules.get(`${api}@${r}`) ?? this.rules.get(api);
    if (rule === undefined) return true;
    const capacity = rule.burst ?? rule.perMinute;
    const key = `${api}@${r}`;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    const refill = ((now - bucket.at) / 60_000) * rule.perMinute;
    bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, refill));
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
