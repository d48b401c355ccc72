import { Code } from '../codes.ts';
import type { LogSink } from '../ports.ts';
import { AlertKind, type AlertRecord, type LogRecord } from '../records/types.ts';
import type { AlertNotifier } from './webhook.ts';

/**
 * Wraps a sink so every alert record written through it (the engine's destination-stopped and
 * run-aborted, status' rpo-breach and heartbeat-missed) is also posted to the webhook. Posting
 * runs beside the run, never inside it: a slow or failing webhook delays nothing, its failure is
 * reported through onError, and close() waits for pending posts so a shutdown does not drop them.
 * Alerts are posted even when the log store refuses them (the webhook is then the only one
 * told), and the log store's failure is itself posted once. A dry run pages nobody: its alert
 * records are written (marked dryRun, which alert rules and status ignore) but never posted.
 */
export function withAlertNotifications(
  sink: LogSink,
  notifier: AlertNotifier,
  onError: (error: unknown) => void,
): LogSink {
  const pending = new Set<Promise<void>>();
  let last: LogRecord | undefined;
  let storeFailed = false;
  const post = (alerts: AlertRecord[]): void => {
    if (alerts.length === 0) return;
    const posting = notifier.notify(alerts).then(
      () => undefined,
      (error: unknown) => onError(error),
    );
    pending.add(posting);
    void posting.finally(() => pending.delete(posting));
  };
  const onStoreFailure = (error: unknown): void => {
    if (storeFailed || last === undefined || last.dryRun !== undefined) return;
    storeFailed = true;
    const text = error instanceof Error ? error.message : String(error);
    post([
      {
        kind: 'alert',
        runId: last.runId,
        policy: last.policy,
        time: new Date().toISOString(),
        alert: AlertKind.RunAborted,
        errorCode: Code.LogStoreUnavailable,
        message: `records could not be written to the log store: ${text}; they are kept where the run ran and resent by the next run`,
      },
    ]);
  };
  return {
    async write(records: LogRecord[]) {
      last = records.at(-1) ?? last;
      try {
        await sink.write(records);
      } catch (error) {
        onStoreFailure(error);
        throw error;
      } finally {
        post(records.filter((r): r is AlertRecord => r.kind === 'alert' && r.dryRun === undefined));
      }
    },
    async close() {
      try {
        await sink.close();
      } catch (error) {
        onStoreFailure(error);
        throw error;
      } finally {
        await Promise.allSettled([...pending]);
      }
    },
  };
}
