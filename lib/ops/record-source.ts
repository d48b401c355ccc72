import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Code } from '../codes.ts';
import { parseLogLine, parseLogRecord } from '../records/parse.ts';
import type { LogRecord } from '../records/types.ts';
import { StatusUnavailableError } from './errors.ts';

export interface TimeRange {
  from: Date;
  to: Date;
}

/** Where `status` reads a policy's history back from: the log store its runs write to. */
export interface RecordSource {
  /** Records whose time falls in the range, any order. */
  read(range: TimeRange): Promise<LogRecord[]>;
}

/**
 * The JSON-lines file a `log: {type: file}` policy appends to. Streamed line by line, since
 * the file only grows; a missing file is an empty history (the policy never ran here).
 */
export function fileRecordSource(path: string): RecordSource {
  return {
    async read(range) {
      const records: LogRecord[] = [];
      const stream = createReadStream(path, { encoding: 'utf8' });
      try {
        const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
        for await (const line of lines) {
          const record = parseLogLine(line);
          if (record !== undefined && inRange(record, range)) records.push(record);
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new StatusUnavailableError(
          Code.StatusUnavailable,
          `cannot read the log file ${path}: ${(error as Error).message}`,
          { cause: error },
        );
      } finally {
        stream.destroy();
      }
      return records;
    },
  };
}

/** Any store that answers a time range with string maps (SLS GetLogs contents). */
export function contentsRecordSource(
  query: (range: TimeRange) => Promise<readonly Record<string, unknown>[]>,
): RecordSource {
  return {
    async read(range) {
      const rows = await query(range);
      return rows
        .map((row) => parseLogRecord(row))
        .filter((r): r is LogRecord => r !== undefined && inRange(r, range));
    },
  };
}

function inRange(record: LogRecord, range: TimeRange): boolean {
  const t = Date.parse(record.time);
  return !Number.isNaN(t) && t >= range.from.getTime() && t <= range.to.getTime();
}
