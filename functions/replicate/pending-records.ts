import type { RecordSpool, SpooledRecord } from '../../lib/records/spool.ts';
import type { PendingRecords } from '../../lib/records/spooled-sink.ts';
import type { JsonLogger } from './log.ts';

/**
 * Records SLS refused during an FC invocation, kept for the next run, which may start on this
 * warm instance or on another one:
 * - in /tmp (RecordSpool): a warm instance resends them without a query;
 * - in the function's log, one marked JSON line per record (`drReplicatorPending`), which FC
 *   ships to the function's own logstore. The next run reads the marked lines of its policy
 *   back from that logstore (FUNCTION_LOG_ENV names it) and resends them; after a resend it
 *   logs one `drReplicatorResent` line with the record ids, so later runs skip them.
 * Record ids make every resend idempotent: a record that reaches the records logstore twice
 * (from /tmp and from the log, or a resend whose acknowledgement was lost) counts once where
 * queries and alert rules count distinct ids.
 */
const PENDING_MARK = 'drReplicatorPending';
const RESENT_MARK = 'drReplicatorResent';
/** `project/logstore` of the function's own log (s.yaml sets it from logConfig). */
export const FUNCTION_LOG_ENV = 'DR_REPLICATOR_FUNCTION_LOG';
/**
 * How far back the function log is read: SLS refuses logs older than 7 days (PutLogs), so a
 * record older than this could not be resent anyway.
 */
const PENDING_LOOKBACK_MS = 6 * 24 * 3600_000;
/** Ids per acknowledgement line: a log line stays well under FC's line limits. */
const IDS_PER_LINE = 500;

/** Reads the function's log: fields of each log line (FC ships a line as `message`). */
export type FunctionLogReader = (query: {
  from: Date;
  to: Date;
  query: string;
}) => Promise<Record<string, string>[]>;

interface Marked {
  [PENDING_MARK]?: string;
  [RESENT_MARK]?: string;
  policy?: string;
  record?: SpooledRecord;
  recordIds?: string[];
}

/** A function log line as SLS gives it back: its JSON in `message`, or already as fields. */
function parseLine(fields: Record<string, string>): Marked | undefined {
  for (const text of [fields.message, fields.content]) {
    if (text === undefined || !text.startsWith('{')) continue;
    try {
      return JSON.parse(text) as Marked;
    } catch {
      // Not one of our lines.
    }
  }
  return undefined;
}

export class FunctionPendingRecords implements PendingRecords {
  readonly #spool: RecordSpool;
  readonly #log: JsonLogger;
  readonly #policy: string;
  readonly #reader: FunctionLogReader | undefined;
  readonly #now: () => Date;
  /** Problems reading the function log, for the invocation's log. */
  readonly problems: string[] = [];

  constructor(options: {
    spool: RecordSpool;
    log: JsonLogger;
    policy: string;
    reader?: FunctionLogReader | undefined;
    now?: () => Date;
  }) {
    this.#spool = options.spool;
    this.#log = options.log;
    this.#policy = options.policy;
    this.#reader = options.reader;
    this.#now = options.now ?? (() => new Date());
  }

  get where(): string {
    return `${this.#spool.file} and the function log`;
  }

  get dropped(): number {
    return this.#spool.dropped;
  }

  async take(): Promise<SpooledRecord[]> {
    const byId = new Map<string, SpooledRecord>();
    const keep = (record: SpooledRecord) =>
      byId.set(record.recordId ?? JSON.stringify(record), record);
    for (const record of await this.#spool.take().catch(() => [])) keep(record);
    for (const record of await this.#fromLog()) keep(record);
    return [...byId.values()];
  }

  async add(records: readonly SpooledRecord[]): Promise<number> {
    // The log line first: it is the copy another instance can read.
    for (const record of records) {
      this.#log.error('record pending', { [PENDING_MARK]: 'v1', policy: this.#policy, record });
    }
    return this.#spool.add(records).catch(() => records.length);
  }

  async resent(records: readonly SpooledRecord[]): Promise<void> {
    const ids = records.map((r) => r.recordId).filter((id): id is string => id !== undefined);
    for (let i = 0; i < ids.length; i += IDS_PER_LINE) {
      this.#log.info('records resent', {
        [RESENT_MARK]: 'v1',
        policy: this.#policy,
        recordIds: ids.slice(i, i + IDS_PER_LINE),
      });
    }
  }

  async #fromLog(): Promise<SpooledRecord[]> {
    if (this.#reader === undefined) return [];
    const to = this.#now();
    const from = new Date(to.getTime() - PENDING_LOOKBACK_MS);
    let lines: Record<string, string>[];
    try {
      lines = await this.#reader({ from, to, query: `${PENDING_MARK} or ${RESENT_MARK}` });
    } catch (error) {
      this.problems.push(error instanceof Error ? error.message : String(error));
      return [];
    }
    // Oldest first: a record resent and then refused again is pending again.
    const pending = new Map<string, SpooledRecord>();
    for (const fields of [...lines].reverse()) {
      const line = parseLine(fields);
      if (line?.policy !== this.#policy) continue;
      if (line[RESENT_MARK] !== undefined)
        for (const id of line.recordIds ?? []) pending.delete(id);
      const record = line.record;
      if (line[PENDING_MARK] !== undefined && record?.recordId !== undefined) {
        pending.set(record.recordId, record);
      }
    }
    return [...pending.values()];
  }
}
