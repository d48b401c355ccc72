import type { LogSink } from '../ports.ts';
import type { LogRecord } from '../records/types.ts';

/** Stamps every record with the member account it concerns; the central sink is shared. */
export function accountSink(inner: LogSink, accountId: string): LogSink {
  return {
    write: (records: LogRecord[]) => inner.write(records.map((r) => ({ ...r, accountId }))),
    // The central sink outlives one account's run: the fan-out closes it once at the end.
    close: async () => {},
  };
}
