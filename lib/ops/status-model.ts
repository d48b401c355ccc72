import type { ItemRecord } from '../records/types.ts';
import { buildCell } from './status-cell.ts';
import { withLastStop, withTested } from './status-destinations.ts';
import { cellKey, collectDisks, indexCells } from './status-index.ts';
import { cellLock } from './status-locks.ts';
import type { StatusCell, StatusInputs, StatusLocks, StatusReport } from './status-report.ts';
import { timeline } from './status-runs.ts';
import type { SourceTimes } from './status-sources.ts';
import { countCells, isOk } from './status-totals.ts';

/**
 * The status report, assembled: index the records and copies (status-index.ts), judge each
 * cell (status-cell.ts), each destination (status-destinations.ts), the run history
 * (status-runs.ts), then count (status-totals.ts). The shape is in status-report.ts.
 */
export * from './status-report.ts';
export { newestRun } from './status-runs.ts';

/** Builds the report from plain data: no I/O, so every rule here is testable on its own. */
export function buildStatusReport(input: StatusInputs): StatusReport {
  const { policy, now } = input;
  const destinations = policy.destinations.map((d) => ({
    region: d.region,
    rpoHours: d.rpoHours,
    ...(d.lock === undefined
      ? {}
      : { lock: { days: d.lock.days, coolOffHours: d.lock.coolOffHours } }),
  }));
  const destRegions = new Set(destinations.map((d) => d.region));
  const copies = input.copies.filter((c) => destRegions.has(c.regionId));
  const records = input.records.filter((r) => r.policy === policy.name);
  const items = records.filter((r): r is ItemRecord => r.kind === 'item');
  const disks = collectDisks(copies, items);
  const sources: SourceTimes = input.sources ?? { found: new Map(), unreachable: new Set() };

  const index = indexCells(copies, items);
  const cells: StatusCell[] = [];
  for (const [diskId, sourceRegion] of [...disks].sort(([a], [b]) => a.localeCompare(b))) {
    for (const dest of destinations) {
      const key = cellKey(dest.region, diskId);
      const here = index.copies.get(key) ?? [];
      const attempts = index.attempts.get(key) ?? [];
      cells.push(buildCell({ diskId, sourceRegion, dest, copies: here, attempts, sources, now }));
    }
  }
  const summary = countCells(cells);

  return {
    policy: policy.name,
    generatedAt: now.toISOString(),
    destinations: destinations.map((d) => withTested(withLastStop(d, records), copies, now)),
    cells,
    heartbeat: input.heartbeat,
    runs: timeline(records),
    summary,
    ok: isOk(summary, input.heartbeat),
  };
}

/**
 * Sets `lock` on each cell of a locking destination that has a completed copy, from what
 * readLocks found for the report's own cells (a second pass: the copies to ask about are the
 * report's newest). Mutates and returns the report; `lock` is each cell's last key.
 */
export function attachLocks(
  report: StatusReport,
  input: Pick<StatusInputs, 'policy' | 'copies' | 'records' | 'now'>,
  locks: StatusLocks,
): StatusReport {
  const { policy, now } = input;
  const policyLocks = new Map<string, { days: number; coolOffHours: number }>();
  for (const d of policy.destinations) {
    if (d.lock !== undefined && !policyLocks.has(d.region)) policyLocks.set(d.region, d.lock);
  }
  if (policyLocks.size === 0) return report;
  const copies = input.copies.filter((c) => policyLocks.has(c.regionId));
  const items = input.records.filter(
    (r): r is ItemRecord => r.policy === policy.name && r.kind === 'item',
  );
  const index = indexCells(copies, items);
  for (const cell of report.cells) {
    const policyLock = policyLocks.get(cell.destRegion);
    if (policyLock === undefined) continue;
    const key = cellKey(cell.destRegion, cell.diskId);
    const copy = index.copies.get(key)?.find((c) => c.snapshotId === cell.newestCopy?.snapshotId);
    if (copy === undefined) continue;
    cell.lock = cellLock({
      copy,
      destRegion: cell.destRegion,
      policyLock,
      attempts: index.attempts.get(key) ?? [],
      locks,
      now,
    });
  }
  return report;
}
