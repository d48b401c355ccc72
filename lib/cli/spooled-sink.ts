import type { LogRecord, LogSink } from '../engine/records.ts';
import type { RecordSpool, SpooledRecord } from '../ops/record-spool.ts';

/**
 * The log store's sink with the local spool around it: records spooled by earlier runs are
 * resent with this run's first write, and whatever the store drops now is spooled. The run's
 * last word on stderr says how many records are pending and where.
 */
export async function withSpool(
  open: (onDropped: (records: SpooledRecord[]) => void) => Promise<LogSink>,
  spool: RecordSpool,
  report: (text: string) => void,
): Promise<LogSink> {
  const dropped: SpooledRecord[] = [];
  const sink = await open((records) => dropped.push(...records));
  // Taken now, so two sinks of one process do not both resend them; dropped again -> re-spooled.
  let resend: SpooledRecord[] | undefined = await spool.take().catch(() => []);
  if (resend.length > 0)
    report(`resending ${resend.length} spooled record(s) from ${spool.file}\n`);
  const withResend = (records: LogRecord[]): LogRecord[] => {
    if (resend === undefined || resend.length === 0) return records;
    // Spooled contents are SLS fields (strings); the SLS sink writes strings as they are.
    const out = [...(resend as unknown as LogRecord[]), ...records];
    resend = undefined;
    return out;
  };
  return {
    write: (records) => sink.write(withResend(records)),
    async close() {
      try {
        const rest = withResend([]);
        if (rest.length > 0) await sink.write(rest);
        await sink.close();
      } finally {
        if (dropped.length > 0) {
          const pending = await spool.add(dropped);
          const lost =
            spool.dropped > 0 ? ` (${spool.dropped} oldest dropped: the spool is full)` : '';
          report(
            `${dropped.length} record(s) could not be written to the log store: ${pending} pending in ${spool.file}${lost}; the next run resends them\n`,
          );
        }
      }
    },
  };
}
