import { recordIdOf } from '../records/record-id.ts';
import { AlertKind, type AlertRecord } from '../records/types.ts';
import { HeartbeatState } from './heartbeat.ts';
import { isBreach, LockState, RpoState, type StatusReport } from './status-model.ts';

/**
 * The alert records a status report calls for: one rpo-breach per breached (disk, destination),
 * one copy-unlocked per cell whose lock is overdue (cell.lock), and one heartbeat-missed when
 * no run came within twice the schedule. `status` and `serve` (after each run) write them;
 * alert rules in the log store and the webhook pick them up.
 */
export function alertsFromReport(report: StatusReport, runId: string): AlertRecord[] {
  const time = report.generatedAt;
  const alerts: AlertRecord[] = [];
  for (const cell of report.cells) {
    if (!isBreach(cell.state)) continue;
    const message =
      cell.state === RpoState.NoCopy
        ? `${cell.diskId} has no completed copy in ${cell.destRegion} (RPO ${cell.rpoHours}h)`
        : `${cell.diskId}: newest copy in ${cell.destRegion} is ${cell.newestCopy?.ageHours ?? '?'}h old (RPO ${cell.rpoHours}h)`;
    alerts.push({
      kind: 'alert',
      alert: AlertKind.RpoBreach,
      runId,
      policy: report.policy,
      time,
      destRegion: cell.destRegion,
      sourceRegion: cell.sourceRegion,
      diskId: cell.diskId,
      message,
    });
  }
  for (const cell of report.cells) {
    // The same judgement the cell shows: unlocked although a run saw the copy completed.
    if (cell.lock?.state !== LockState.Unlocked || !cell.lock.overdue) continue;
    alerts.push({
      kind: 'alert',
      alert: AlertKind.CopyUnlocked,
      runId,
      policy: report.policy,
      time,
      destRegion: cell.destRegion,
      sourceRegion: cell.sourceRegion,
      diskId: cell.diskId,
      message: `${cell.diskId}: completed copy ${cell.newestCopy?.snapshotId ?? '?'} in ${cell.destRegion} is not locked, though a run has seen it complete`,
    });
  }
  if (report.heartbeat.state === HeartbeatState.Missed) {
    alerts.push({
      kind: 'alert',
      alert: AlertKind.HeartbeatMissed,
      runId,
      policy: report.policy,
      time,
      message: report.heartbeat.message,
    });
  }
  // Alert rules count distinct record ids: a record without one would never fire them.
  for (const alert of alerts) alert.recordId = recordIdOf(alert);
  return alerts;
}
