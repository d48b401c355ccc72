import { createHash } from 'node:crypto';
import { type LogRecord, Outcome } from './types.ts';

/**
 * A deterministic id per record, so a record written twice (a resend from the spool, two runs
 * of one policy racing) counts once where queries and alert rules count distinct ids.
 * Events tied to one copy (started, completed, failed with a copy id, pruned) are identified by
 * policy, pair, event and copy id, so every run that records them gives the same id; everything
 * else happens once per run and includes the run id.
 */
const COPY_EVENTS = new Set<string>([
  Outcome.Started,
  Outcome.Completed,
  Outcome.Failed,
  Outcome.Pruned,
]);

export function recordIdOf(record: LogRecord): string {
  const parts: string[] = [record.policy, record.kind];
  switch (record.kind) {
    case 'item': {
      const pair = [record.sourceRegion, record.sourceSnapshotId, record.destRegion];
      if (record.drillDiskId !== undefined) {
        // A drill's result is recorded by whichever run sees its disk: once per disk.
        parts.push(...pair, record.outcome, record.drillDiskId);
      } else if (record.copySnapshotId !== undefined && COPY_EVENTS.has(record.outcome)) {
        parts.push(...pair, record.outcome, record.copySnapshotId);
      } else {
        parts.push(...pair, record.outcome, record.runId);
      }
      break;
    }
    case 'alert':
      parts.push(
        record.alert,
        record.runId,
        record.sourceRegion ?? '',
        record.destRegion ?? '',
        record.diskId ?? '',
        record.errorCode ?? '',
      );
      break;
    case 'run':
      parts.push(record.runId);
      break;
  }
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}
