import { neutralise } from '../terminal-safe.ts';
import { HeartbeatState } from './heartbeat.ts';
import { formatDuration } from './schedule.ts';
import { lockingRegions, lockText } from './status-locks.ts';
import { RecoveryPointFrom, RpoState, type StatusCell, type StatusReport } from './status-model.ts';

const TEXT_RUNS = 5;
const COPY_TIME_FOOTNOTE =
  '(copy time): the source snapshot is gone or its region did not answer, so AGE runs from when the copy was made (a lower bound); see --output json recoveryPointNote';

/** The terminal view of a status report: a fixed-width table, then heartbeat and recent runs. */
export function renderStatusText(report: StatusReport): string {
  const lines: string[] = [];
  lines.push(`policy ${report.policy}  (at ${report.generatedAt})`);
  if (report.logStore !== undefined) {
    lines.push(
      `LOG STORE UNAVAILABLE: showing what the cloud shows, without run history (${report.logStore.message})`,
    );
  }
  lines.push(`heartbeat: ${report.heartbeat.state} - ${report.heartbeat.message}`);
  for (const d of report.destinations) {
    if (d.tested !== undefined) {
      lines.push(
        `destination ${d.region} tested RPO: ${d.tested.ageHours} h (${d.tested.snapshotId}, recovery point ${d.tested.recoveryPointTime}, restore-tested ${d.tested.drilledAt})`,
      );
    }
    if (d.lastStop !== undefined) {
      lines.push(
        `destination ${d.region} last stopped ${d.lastStop.time}: ${d.lastStop.errorCode ?? ''} ${d.lastStop.message}`.trimEnd(),
      );
    }
  }
  lines.push('');
  if (report.cells.length === 0) {
    lines.push('no protected disks found (no copies in the destinations, no item records)');
  } else {
    const header = [
      'DISK',
      'SOURCE',
      'DESTINATION',
      'STATE',
      'NEWEST COPY',
      'AGE',
      'RPO',
      'IN FLIGHT',
      'LAST FAILURE',
      'RECOVERY POINT',
    ];
    // The LOCK column only when some destination locks: other policies keep their table.
    const locking = lockingRegions(report);
    const rows = report.cells.map((cell) =>
      locking.size === 0 ? cellRow(cell) : [...cellRow(cell), lockText(cell, locking)],
    );
    if (locking.size > 0) header.push('LOCK');
    lines.push(...table([header, ...rows]));
    if (report.cells.some((c) => c.newestCopy?.recoveryPointFrom === RecoveryPointFrom.CopyTime)) {
      lines.push(COPY_TIME_FOOTNOTE);
    }
  }
  const s = report.summary;
  lines.push('');
  lines.push(
    `${s.cells} cells: ${s[RpoState.Healthy]} healthy, ${s[RpoState.AtRisk]} at risk, ${s[RpoState.Breached]} breached, ${s[RpoState.Pending]} awaiting a first copy, ${s[RpoState.NoCopy]} without a copy past the RPO; ${s.inFlight} copies in flight`,
  );
  if (report.runs.length > 0) {
    lines.push('');
    lines.push('recent runs:');
    for (const run of report.runs.slice(0, TEXT_RUNS)) {
      const totals = Object.entries(run.totals)
        .filter(([, n]) => (n ?? 0) > 0)
        .map(([k, n]) => `${k}=${n}`)
        .join(' ');
      lines.push(
        `  ${run.finishedAt}  exit ${run.exitCode}  ${formatDuration(run.durationMs)}  ${run.runId}  ${totals || '-'}${run.errorCode === undefined ? '' : `  ${run.errorCode}`}`,
      );
    }
  }
  lines.push('');
  lines.push(
    report.ok
      ? 'OK: every disk is within its RPO'
      : report.heartbeat.state === HeartbeatState.Missed &&
          s[RpoState.Breached] + s[RpoState.NoCopy] === 0
        ? 'ALERT: heartbeat missed'
        : 'ALERT: RPO breached',
  );
  // Ids, names and messages come from the cloud: each line shows them escaped, never obeyed.
  return `${lines.map(neutralise).join('\n')}\n`;
}

function cellRow(cell: StatusCell): string[] {
  const failure = cell.lastFailure;
  return [
    cell.diskId,
    cell.sourceRegion,
    cell.destRegion,
    cell.state,
    cell.newestCopy?.snapshotId ?? '-',
    cell.newestCopy === undefined ? '-' : `${cell.newestCopy.ageHours.toFixed(1)}h`,
    `${cell.rpoHours}h`,
    cell.inFlight.length === 0
      ? '-'
      : cell.inFlight.map((c) => `${c.snapshotId} ${c.progress}%`).join(', '),
    failure === undefined ? '-' : `${failure.time} ${failure.errorCode ?? failure.message}`,
    recoveryPoint(cell),
  ];
}

function table(rawRows: string[][]): string[] {
  // Escaped before measuring, so a hostile cell does not shift the columns after it.
  const rows = rawRows.map((row) => row.map(neutralise));
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((value, i) => {
      widths[i] = Math.max(widths[i] ?? 0, value.length);
    });
  }
  return rows.map((row) =>
    row
      .map((value, i) => (i === row.length - 1 ? value : value.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** When a restore from the newest copy returns the disk to; AGE runs from this time. */
function recoveryPoint(cell: StatusCell): string {
  const copy = cell.newestCopy;
  if (copy === undefined) return '-';
  return copy.recoveryPointFrom === RecoveryPointFrom.CopyTime
    ? `${copy.recoveryPointTime} (copy time)`
    : copy.recoveryPointTime;
}
