import type { LogSink } from '../ports.ts';
import { RecordsKeptError } from './records-kept.ts';
import type { SpooledRecord } from './spool.ts';
import type { LogRecord } from './types.ts';

/**
 * Where records the log store refused are kept until a later run resends them: the local spool
 * (lib/records/spool.ts) where the CLI runs; in Function Compute, /tmp plus the function's
 * own log (functions/replicate/pending-records.ts).
 */
export interface PendingRecords {
  /** Said in messages: where the records are. */
  readonly where: string;
  /** Records dropped because the store of pending records was full. */
  readonly dropped: number;
  /** Takes the pending records out to resend them; what fails again comes back through add(). */
  take(): Promise<SpooledRecord[]>;
  /** Keeps records; resolves with how many are pending in all. */
  add(records: readonly SpooledRecord[]): Promise<number>;
  /** The records taken were written this time (the function log is told, so none is resent twice). */
  resent?(records: readonly SpooledRecord[]): Promise<void>;
}

/**
 * The log store's sink with pending records around it: records kept by earlier runs are
 * resent with this run's first write, and whatever the store drops now is kept. A write or
 * close whose dropped records were all kept fails with RecordsKeptError (exit 1, the count);
 * when they could not be kept, with the store's own error (exit 3: records may be lost).
 */
export async function withSpool(
  open: (onDropped: (records: SpooledRecord[]) => void) => Promise<LogSink>,
  spool: PendingRecords,
  report: (text: string) => void,
): Promise<LogSink> {
  const dropped: SpooledRecord[] = [];
  // Kept the moment the store drops them, not at close: a run killed before it closes (FC's
  // timeout, SIGKILL) must not lose them.
  let keeping: Promise<void> = Promise.resolve();
  let keepError: unknown;
  let pending = 0;
  const sink = await open((records) => {
    dropped.push(...records);
    keeping = keeping.then(async () => {
      try {
        pending = await spool.add(records);
      } catch (error) {
        keepError ??= error;
      }
    });
  });
  // Taken now, so two sinks of one process do not both resend them; dropped again -> kept again.
  const taken: SpooledRecord[] = await spool.take().catch(() => []);
  let resend: SpooledRecord[] | undefined = taken;
  if (resend.length > 0)
    report(`resending ${resend.length} pending record(s) from ${spool.where}\n`);
  const withResend = (records: LogRecord[]): LogRecord[] => {
    if (resend === undefined || resend.length === 0) return records;
    // Pending contents are SLS fields (strings); the SLS sink writes strings as they are.
    const out = [...(resend as unknown as LogRecord[]), ...records];
    resend = undefined;
    return out;
  };
  const kept = (error: unknown): never => {
    if (dropped.length === 0) throw error;
    throw new RecordsKeptError(dropped.length, spool.where, { cause: error });
  };
  return {
    write: (records) => sink.write(withResend(records)).catch(kept),
    async close() {
      let failure: unknown;
      try {
        const rest = withResend([]);
        if (rest.length > 0) await sink.write(rest);
        await sink.close();
      } catch (error) {
        failure = error;
      }
      if (dropped.length === 0) {
        if (failure !== undefined) throw failure;
        if (taken.length > 0) await spool.resent?.(taken).catch(() => undefined);
        return;
      }
      await keeping;
      if (keepError !== undefined) {
        report(
          `${dropped.length} record(s) could not be written to the log store nor kept: ${String(keepError)}\n`,
        );
        throw failure ?? keepError;
      }
      const lost = spool.dropped > 0 ? ` (${spool.dropped} oldest dropped: the spool is full)` : '';
      report(
        `${dropped.length} record(s) could not be written to the log store: ${pending} pending in ${spool.where}${lost}; the next run resends them${reason(failure)}\n`,
      );
      throw new RecordsKeptError(pending, spool.where, { cause: failure });
    },
  };
}

/** The store's own words (a LogSinkError's message is already scrubbed of secrets). */
function reason(failure: unknown): string {
  const cause = failure instanceof RecordsKeptError ? failure.cause : failure;
  return cause instanceof Error ? ` (${cause.message})` : '';
}
