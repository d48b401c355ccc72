/** A throttle rule: requests per minute with a burst, for one API, optionally one region. */
export interface ThrottleRule {
  perMinute: number;
  burst?: number;
  region?: string;
  /**
   * `region` (default): one bucket per (API, region). `account`: one bucket for the API across
   * every region, as ECS meters CopySnapshot (1000 per 60 s per account).
   */
  scope?: 'region' | 'account';
  /**
   * Another caller on the same account (a console, another tool) that spends this share of
   * perMinute, in [0, 1): its demand drains the bucket as time passes on the virtual clock,
   * before our calls; when the bucket is empty it is refused too.
   */
  competitorShare?: number;
  /** Each call is also refused with this probability in [0, 1], whatever the bucket holds. */
  probability?: number;
}

/** Defaults modelled on the documented flow control (CopySnapshot: 1000 requests / 60 s per account). */
export const DEFAULT_THROTTLES: Record<string, ThrottleRule> = {
  CopySnapshot: { perMinute: 1000, scope: 'account' },
};

/** What the competing caller of one bucket got and was refused (calls, fractional). */
export interface CompetitorStats {
  served: number;
  refused: number;
}

/** Per bucket (`API@region`, or `API` for an account-wide rule): the bucket and the competitor. */
export interface ThrottleStats {
  tokens: number;
  competitor: CompetitorStats;
  /** Calls refused by `probability`. */
  refusedByChance: number;
  /** Calls refused because the bucket was empty. */
  refusedByRate: number;
}

interface Bucket {
  tokens: number;
  at: number;
  competitor: CompetitorStats;
  refusedByChance: number;
  refusedByRate: number;
}

function validateRule(rule: ThrottleRule): void {
  if (!(rule.perMinute > 0)) throw new RangeError('perMinute must be > 0');
  if (rule.burst !== undefined && !(rule.burst >= 0)) throw new RangeError('burst must be >= 0');
  if (rule.scope !== undefined && rule.scope !== 'region' && rule.scope !== 'account') {
    throw new RangeError('scope must be "region" or "account"');
  }
  const share = rule.competitorShare;
  if (share !== undefined && !(share >= 0 && share < 1)) {
    throw new RangeError('competitorShare must be in [0, 1)');
  }
  const p = rule.probability;
  if (p !== undefined && !(p >= 0 && p <= 1)) throw new RangeError('probability must be in [0, 1]');
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
    validateRule(rule);
    this.rules.set(rule.region === undefined ? api : `${api}@${rule.region}`, rule);
    this.#dropBuckets(api);
  }

  /** Removes the rule (the API becomes unthrottled). */
  clear(api: string, region?: string): void {
    this.rules.delete(region === undefined ? api : `${api}@${region}`);
    this.#dropBuckets(api);
  }

  #dropBuckets(api: string): void {
    for (const key of this.buckets.keys()) {
      if (key === api || key.startsWith(`${api}@`)) this.buckets.delete(key);
    }
  }

  /** Every bucket that has seen a call, settled to `now` (the competitor keeps spending). */
  stats(now: number): Record<string, ThrottleStats> {
    const out: Record<string, ThrottleStats> = {};
    for (const [key, bucket] of this.buckets) {
      const rule = this.#ruleForKey(key);
      if (rule) this.#settle(bucket, rule, now);
      out[key] = {
        tokens: bucket.tokens,
        competitor: { ...bucket.competitor },
        refusedByChance: bucket.refusedByChance,
        refusedByRate: bucket.refusedByRate,
      };
    }
    return out;
  }

  #ruleForKey(key: string): ThrottleRule | undefined {
    const [api, region] = key.split('@');
    if (api === undefined) return undefined;
    return (region === undefined ? undefined : this.rules.get(key)) ?? this.rules.get(api);
  }

  #capacity(rule: ThrottleRule): number {
    return rule.burst ?? rule.perMinute;
  }

  /** Refills for the time since the bucket was last seen and lets the competitor spend first. */
  #settle(bucket: Bucket, rule: ThrottleRule, now: number): void {
    const minutes = Math.max(0, now - bucket.at) / 60_000;
    const available = bucket.tokens + minutes * rule.perMinute;
    const demand = minutes * rule.perMinute * (rule.competitorShare ?? 0);
    const served = Math.min(demand, available);
    bucket.competitor.served += served;
    bucket.competitor.refused += demand - served;
    bucket.tokens = Math.min(this.#capacity(rule), available - served);
    bucket.at = Math.max(bucket.at, now);
  }

  list(): Record<string, ThrottleRule> {
    return Object.fromEntries(this.rules);
  }

  /** Takes a token for (api, region); false = throttled. `random` draws `probability`. */
  take(
    api: string,
    region: string | undefined,
    now: number,
    random: () => number = Math.random,
  ): boolean {
    const r = region ?? '*';
    const regional = this.rules.get(`${api}@${r}`);
    const rule = regional ?? this.rules.get(api);
    if (rule === undefined) return true;
    // An account-wide rule is one bucket whatever the region; a region's own rule stays its own.
    const key = regional === undefined && rule.scope === 'account' ? api : `${api}@${r}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = {
        tokens: this.#capacity(rule),
        at: now,
        competitor: { served: 0, refused: 0 },
        refusedByChance: 0,
        refusedByRate: 0,
      };
      this.buckets.set(key, bucket);
    }
    this.#settle(bucket, rule, now);
    if (rule.probability !== undefined && random() < rule.probability) {
      bucket.refusedByChance += 1;
      return false;
    }
    if (bucket.tokens < 1) {
      bucket.refusedByRate += 1;
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }
}
