import type { AlertRecord, LogRecord, LogSink } from '../engine/records.ts';
import type { AlertNotifier } from './webhook.ts';

/**
 * Wraps a sink so every alert record written through it (the engine's destination-stopped and
 * run-aborted, status' rpo-breach and heartbeat-missed) is also posted to the webhook. Posting
 * runs beside the run, never inside it: a slow or failing webhook delays nothing, its failure is
 * reported through onError, and close() waits for pending posts so a shutdown does not drop them.
 */
export function withAlertNotifications(
  sink: LogSink,
  notifier: AlertNotifier,
  onError: (error: unknown) => void,
): LogSink {
  const pending = new Set<Promise<void>>();
  return {
    async write(records: LogRecord[]) {
      await sink.write(records);
      const alerts = records.filter((r): r is AlertRecord => r.kind === 'alert');
      if (alerts.length === 0) return;
      const post = notifier.notify(alerts).then(
        () => undefined,
        (error: unknown) => onError(error),
      );
      pending.add(post);
      void post.finally(() => pending.delete(post));
    },
    async close() {
      await Promise.allSettled([...pending]);
      await sink.close();
    },
  };
}
