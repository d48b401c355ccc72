import type { LogSink } from '../ports.ts';
import type { LogRecord } from '../records/types.ts';

/**
 * Counts the alert records a run writes, by kind, for its health line. The engine raises the
 * run's alerts itself (rpo-breach at plan time, destination-stopped, run-aborted), so serve
 * reports them from what passed through the sink instead of listing the cloud again.
 */
export function withAlertCount(sink: LogSink): { sink: LogSink; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  return {
    counts,
    sink: {
      async write(records: LogRecord[]) {
        for (const r of records) {
          if (r.kind === 'alert') counts[r.alert] = (counts[r.alert] ?? 0) + 1;
        }
        await sink.write(records);
      },
      close: () => sink.close(),
    },
  };
}
