/** One RPC call as the admin API reports it; parameters never include credentials. */
export interface CallLogEntry {
  /** Virtual time, ISO 8601 */
  time: string;
  action: string;
  region: string | undefined;
  params: Record<string, string>;
  /** 'OK', an error code, or ConnectionDropped / NoResponse for injected network faults. */
  code: string;
  httpStatus: number;
  latencyMs: number;
  requestId: string;
  signature: 'v1' | 'acs3' | 'none';
}

export interface CallFilter {
  action?: string;
  region?: string;
  /** Entries at or after this virtual time. */
  since?: Date | string;
}

const REDACTED = new Set([
  'AccessKeyId',
  'Signature',
  'SecurityToken',
  'SignatureNonce',
  'BearerToken',
]);
const MAX_ENTRIES = 200_000;

/** Removes credentials and signatures from a parameter map before it is logged. */
export function redactParams(params: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (!REDACTED.has(k)) out[k] = v;
  return out;
}

/** Calls per action and per answer code, counted since the log was cleared: never truncated. */
export interface CallCounts {
  total: number;
  byAction: Record<string, number>;
  /** `action code` -> count, e.g. `CopySnapshot OK`, `CopySnapshot Throttling.User`. */
  byActionAndCode: Record<string, number>;
}

/**
 * The call log, bounded so a long soak test cannot exhaust memory (oldest entries drop), and
 * exact counters beside it: a count read from the entries of a 300,000-call run would be short.
 */
export class CallLog {
  private entries: CallLogEntry[] = [];
  private counts: CallCounts = { total: 0, byAction: {}, byActionAndCode: {} };

  add(entry: CallLogEntry): void {
    this.counts.total += 1;
    this.counts.byAction[entry.action] = (this.counts.byAction[entry.action] ?? 0) + 1;
    const key = `${entry.action} ${entry.code}`;
    this.counts.byActionAndCode[key] = (this.counts.byActionAndCode[key] ?? 0) + 1;
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries = this.entries.slice(-MAX_ENTRIES / 2);
  }

  list(filter: CallFilter = {}): CallLogEntry[] {
    const since = filter.since === undefined ? undefined : new Date(filter.since).getTime();
    return this.entries.filter(
      (e) =>
        (filter.action === undefined || e.action === filter.action) &&
        (filter.region === undefined || e.region === filter.region) &&
        (since === undefined || Date.parse(e.time) >= since),
    );
  }

  /** A copy of the exact counters. */
  totals(): CallCounts {
    return {
      total: this.counts.total,
      byAction: { ...this.counts.byAction },
      byActionAndCode: { ...this.counts.byActionAndCode },
    };
  }

  clear(): void {
    this.entries = [];
    this.counts = { total: 0, byAction: {}, byActionAndCode: {} };
  }
}
