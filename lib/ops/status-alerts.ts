import { recordIdOf } from '../records/record-id.ts';
import { AlertKind, type AlertRecord } from '../records/types.ts';
import { HeartbeatState } from './heartbeat.ts';
import {
  isBreach,
  LockState,
  RpoState,
  type StatusCell,
  type StatusReport,
} from './status-model.ts';

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
    alerts.push(cellAlert(report, runId, cell, AlertKind.RpoBreach, message));
  }
  for (const cell of report.cells) {
    // The same judgement the cell shows: unlocked although a run saw the copy completed.
    if (cell.lock?.state !== LockState.Unlocked || !cell.lock.overdue) continue;
    alerts.push(
      cellAlert(
        report,
        runId,
        cell,
        AlertKind.CopyUnlocked,
        `${cell.diskId}: completed copy ${cell.newestCopy?.snapshotId ?? '?'} in ${cell.destRegion} is not locked, though a run has seen it complete`,
      ),
    );
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

/** The alert record of one (disk, destination) cell, at the report's time. */
function cellAlert(
  report: StatusReport,
  runId: string,
  cell: StatusCell,
  alert: AlertKind,
  message: string,
): AlertRecord {
  return {
    kind: 'alert',
    alert,
    runId,
    policy: report.policy,
    time: report.generatedAt,
    destRegion: cell.destRegion,
    sourceRegion: cell.sourceRegion,
    diskId: cell.diskId,
    message,
  };
}
