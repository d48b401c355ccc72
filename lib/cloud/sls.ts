import type { SlsPutLogsData } from '@alicloud/log';
import { Code } from '../codes.ts';
import type { Credentials, LogSink } from '../ports.ts';
import type { StoredRecord } from '../records/types.ts';
import { retry } from '../retry.ts';
import { estimateLogBytes, SlsBatchLimits, splitBatches, toSlsLog } from './sls-batch.ts';
import { connectSls, type SlsConnection } from './sls-client.ts';
import { describeSlsFailure, LogSinkError, type SlsFailure, scrub } from './sls-errors.ts';

export { LogSinkError } from './sls-errors.ts';

/** Full-jitter exponential backoff for throttling, 5xx and network errors. */
export interface SlsRetryOptions {
  /** Attempts per request, first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No new attempt starts this long after the first (a hanging SLS must not hold the run). */
  maxTotalMs: number;
}

const DEFAULT_RETRY: SlsRetryOptions = {
  attempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxTotalMs: 10_000,
};

export interface SlsReaderOptions {
  project: string;
  logstore: string;
  region: string;
  credentials: Credentials;
  /** DR_REPLICATOR_ENDPOINT (http://127.0.0.1:PORT): talk to the emulator. */
  endpoint?: string;
  source?: string;
  retry?: Partial<SlsRetryOptions>;
  /** Per-request timeout; default 5 s. */
  timeoutMs?: number;
}

export interface SlsSinkOptions extends SlsReaderOptions {
  topic?: string;
  /** Batch limits, lowered by tests; never above SLS's 4096 logs / 3 MB. */
  batch?: Partial<{ maxLogs: number; maxBytes: number }>;
  /**
   * Told each batch that is dropped after its retries, so the caller can keep its records
   * elsewhere (the FC handler writes them to the function log) instead of losing them.
   */
  onDropped?: (logs: SlsLog[]) => void;
}

type SlsLog = SlsPutLogsData['logs'][number];

/** A LogSink that also stores claims: anything the records' schema describes. */
export interface SlsSink extends LogSink {
  write(records: readonly StoredRecord[]): Promise<void>;
}

/**
 * Records to an SLS logstore through @alicloud/log. `write` buffers and sends every full batch
 * (4096 logs or 3 MB); `close` sends the rest. Writes are serialised, so records arrive in the
 * order they were written. A batch that still fails after the retries is dropped and reported
 * as a LogSinkError (the records after it stay buffered for the next write or close).
 */
export function createSlsSink(opts: SlsSinkOptions): SlsSink {
  const conn = connect(opts);
  const retry = { ...DEFAULT_RETRY, ...opts.retry };
  const limits = {
    maxLogs: Math.min(opts.batch?.maxLogs ?? SlsBatchLimits.maxLogs, SlsBatchLimits.maxLogs),
    maxBytes: Math.min(opts.batch?.maxBytes ?? SlsBatchLimits.maxBytes, SlsBatchLimits.maxBytes),
  };
  const where = `${opts.project}/${opts.logstore}`;
  let buffer: SlsLog[] = [];
  let bufferedBytes = 0;
  let queue: Promise<void> = Promise.resolve();
  // After one batch failed for good, the rest of this sink's batches are not tried: each would
  // wait out the same outage again. They are handed to onDropped (the spool) at once.
  let broken: unknown;

  const send = async (batch: SlsLog[]): Promise<void> => {
    const data: SlsPutLogsData = { logs: batch };
    if (opts.topic !== undefined) data.topic = opts.topic;
    if (opts.source !== undefined) data.source = opts.source;
    await withRetry(retry, conn, `PutLogs to ${where}`, async () => {
      const result = await conn.client.postLogStoreLogs(
        opts.project,
        opts.logstore,
        data,
        conn.requestOptions,
      );
      // SLS answers PutLogs with an empty body; text here is a proxy or error page, not SLS.
      if (typeof result === 'string' && result.trim() !== '') throw badResponse();
    });
  };

  /** Sends batches while the buffer holds a full one (or everything, when `all`). */
  const drain = async (all: boolean): Promise<void> => {
    const batches = splitBatches(buffer, limits);
    const last = batches[batches.length - 1];
    // A last, partial batch waits for more records (or close); splitBatches kept it in limits.
    const keepLast = !all && last !== undefined && last.length < limits.maxLogs;
    const toSend = keepLast ? batches.slice(0, -1) : batches;
    buffer = keepLast && last !== undefined ? last : [];
    bufferedBytes = buffer.reduce((n, log) => n + estimateLogBytes(log), 0);
    for (let i = 0; i < toSend.length; i++) {
      try {
        if (broken !== undefined) throw broken;
        await send(toSend[i]!);
      } catch (error) {
        broken ??= error;
        // Keep what was not attempted; the failed batch is reported and dropped.
        opts.onDropped?.(toSend[i]!);
        const rest = toSend.slice(i + 1).flat();
        buffer = [...rest, ...buffer];
        bufferedBytes = buffer.reduce((n, log) => n + estimateLogBytes(log), 0);
        throw error;
      }
    }
  };

  const enqueue = (task: () => Promise<void>): Promise<void> => {
    const next = queue.then(task);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    write(records: readonly StoredRecord[]): Promise<void> {
      return enqueue(async () => {
        for (const record of records) {
          const log = toSlsLog(record);
          buffer.push(log);
          bufferedBytes += estimateLogBytes(log);
        }
        if (buffer.length >= limits.maxLogs || bufferedBytes >= limits.maxBytes) {
          await drain(false);
        }
      });
    },
    close(): Promise<void> {
      return enqueue(() => drain(true));
    },
  };
}

export interface SlsReader {
  /**
   * Logs with from ≤ time ≤ to (second precision) matching `query` (SLS search syntax, default
   * all), newest first, at most `limit` (default 1000). Each is the fields that were written,
   * as strings; SLS's own `__time__`, `__topic__`, `__source__`, `__tag__:*` are left out.
   */
  query(opts: {
    from: Date;
    to: Date;
    query?: string;
    limit?: number;
  }): Promise<Record<string, string>[]>;
}

const PAGE_SIZE = 100;

export function createSlsReader(opts: SlsReaderOptions): SlsReader {
  const conn = connect(opts);
  const retry = { ...DEFAULT_RETRY, ...opts.retry };
  const where = `${opts.project}/${opts.logstore}`;
  return {
    async query({ from, to, query, limit = 1000 }) {
      const out: Record<string, string>[] = [];
      // GetLogs takes whole seconds and `to` is exclusive: round it up past `to`'s second.
      const toExclusive = new Date(Math.floor(to.getTime() / 1000) * 1000 + 1000);
      for (let offset = 0; out.length < limit; offset += PAGE_SIZE) {
        const line = Math.min(PAGE_SIZE, limit - out.length);
        const page = await withRetry(retry, conn, `GetLogs from ${where}`, async () => {
          const result = await conn.client.getLogs(
            opts.project,
            opts.logstore,
            from,
            toExclusive,
            { query: query ?? '*', line, offset, reverse: true },
            conn.requestOptions,
          );
          if (!Array.isArray(result)) throw badResponse();
          return result as unknown[];
        });
        for (const item of page) out.push(ownFields(item));
        if (page.length < line) break;
      }
      return out;
    },
  };
}

function connect(opts: SlsReaderOptions): SlsConnection {
  return connectSls({
    region: opts.region,
    credentials: opts.credentials,
    ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
}

function ownFields(item: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (typeof item !== 'object' || item === null) return fields;
  for (const [key, value] of Object.entries(item)) {
    if (/^__.*__$/.test(key) || key.startsWith('__tag__:')) continue;
    fields[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return fields;
}

/** SLS's retry numbers on the shared loop; a failure for good is a LogSinkError. */
async function withRetry<T>(
  options: SlsRetryOptions,
  conn: SlsConnection,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  let failure: SlsFailure | undefined;
  const { value } = await retry(
    async () => {
      try {
        return await call();
      } catch (error) {
        failure = describeSlsFailure(error, conn.secrets);
        throw error;
      }
    },
    {
      attempts: options.attempts,
      baseDelayMs: options.baseDelayMs,
      maxDelayMs: options.maxDelayMs,
      maxTotalMs: options.maxTotalMs,
      classify: () => failure?.retryable === true,
      giveUp: (_error, { attempts }) => {
        const f = failure as SlsFailure;
        const id = f.requestId === undefined ? '' : ` (request ${f.requestId})`;
        return new LogSinkError({
          message: scrub(
            `${what} failed after ${attempts} attempt(s): ${f.code}: ${f.message}${id}`,
            conn.secrets,
          ),
          sls: f.code,
          requestId: f.requestId,
          cause: { name: f.name },
        });
      },
    },
  );
  return value;
}

function badResponse(): Error {
  return Object.assign(new Error('the response is not an SLS answer'), {
    code: Code.InvalidResponse,
  });
}
