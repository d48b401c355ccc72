import { HeartbeatState, type HeartbeatStatus } from './heartbeat.ts';
import { RpoState, type StatusCell, type StatusReport } from './status-report.ts';

/** The report's counts: cells per state and copies in flight. */
export function countCells(cells: readonly StatusCell[]): StatusReport['summary'] {
  const summary = {
    cells: cells.length,
    inFlight: cells.reduce((n, c) => n + c.inFlight.length, 0),
    [RpoState.Healthy]: 0,
    [RpoState.AtRisk]: 0,
    [RpoState.Breached]: 0,
    [RpoState.Pending]: 0,
    [RpoState.NoCopy]: 0,
  };
  for (const cell of cells) summary[cell.state] += 1;
  return summary;
}

/** True when every cell is within the RPO and the heartbeat is not missed. */
export function isOk(summary: StatusReport['summary'], heartbeat: HeartbeatStatus): boolean {
  return (
    summary[RpoState.Breached] === 0 &&
    summary[RpoState.NoCopy] === 0 &&
    heartbeat.state !== HeartbeatState.Missed
  );
}
