import type { AlertRecord, ItemRecord, LogRecord, RunRecord } from '../records/types.ts';

/** One cell of the accounts × destinations grid: the newest run's outcome there. */
export interface OrgCell {
  started: number;
  alreadyCopied: number;
  inProgress: number;
  failed: number;
  deferred: number;
}

export interface OrgAccountRow {
  accountId: string;
  /** The newest run seen for this account (any policy), or none. */
  lastRunId?: string;
  lastRunAt?: string;
  exitCode?: number;
  /** Alerts of the newest run (or of the account when no run record exists: a refused role). */
  alerts: { alert: string; errorCode?: string; message: string }[];
  cells: Record<string, OrgCell>;
}

export interface OrgStatus {
  org: string;
  destinations: string[];
  accounts: OrgAccountRow[];
  totals: { accounts: number; ok: number; failing: number; neverRan: number };
}

function emptyCell(): OrgCell {
  return { started: 0, alreadyCopied: 0, inProgress: 0, failed: 0, deferred: 0 };
}

const CELL_KEY: Partial<Record<ItemRecord['outcome'], keyof OrgCell>> = {
  started: 'started',
  'already-copied': 'alreadyCopied',
  'in-progress': 'inProgress',
  completed: 'alreadyCopied',
  failed: 'failed',
  deferred: 'deferred',
};

/** Builds the grid from the central records: each account's newest run id wins. */
export function orgStatus(
  org: string,
  accounts: readonly string[],
  records: readonly LogRecord[],
): OrgStatus {
  const latest = new Map<string, { runId: string; time: string }>();
  for (const r of records) {
    if (r.accountId === undefined) continue;
    const seen = latest.get(r.accountId);
    if (seen === undefined || r.time > seen.time)
      latest.set(r.accountId, { runId: r.runId, time: r.time });
  }
  const destinations = new Set<string>();
  const rows = new Map<string, OrgAccountRow>();
  for (const id of new Set([...accounts, ...latest.keys()])) {
    const last = latest.get(id);
    rows.set(id, {
      accountId: id,
      ...(last ? { lastRunId: last.runId, lastRunAt: last.time } : {}),
      alerts: [],
      cells: {},
    });
  }
  for (const r of records) {
    if (r.accountId === undefined) continue;
    const row = rows.get(r.accountId);
    if (row === undefined || row.lastRunId !== r.runId) continue;
    if (r.kind === 'run') {
      const run = r as RunRecord;
      row.exitCode = Math.max(row.exitCode ?? 0, run.exitCode);
    } else if (r.kind === 'alert') {
      const a = r as AlertRecord;
      row.alerts.push({
        alert: a.alert,
        ...(a.errorCode ? { errorCode: a.errorCode } : {}),
        message: a.message,
      });
      if (a.alert === 'run-aborted') row.exitCode = Math.max(row.exitCode ?? 0, 3);
    } else {
      const item = r as ItemRecord;
      destinations.add(item.destRegion);
      const key = CELL_KEY[item.outcome];
      if (key === undefined) continue;
      const cell = row.cells[item.destRegion] ?? emptyCell();
      cell[key] += 1;
      row.cells[item.destRegion] = cell;
    }
  }
  const list = [...rows.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  return {
    org,
    destinations: [...destinations].sort(),
    accounts: list,
    totals: {
      accounts: list.length,
      ok: list.filter((r) => r.exitCode === 0).length,
      failing: list.filter((r) => (r.exitCode ?? 0) > 0).length,
      neverRan: list.filter((r) => r.lastRunId === undefined).length,
    },
  };
}

function cellText(cell: OrgCell | undefined): string {
  if (cell === undefined) return '-';
  const done = cell.started + cell.alreadyCopied + cell.inProgress;
  return cell.failed + cell.deferred === 0
    ? `ok ${done}`
    : `${done} ok, ${cell.failed} failed, ${cell.deferred} deferred`;
}

function state(row: OrgAccountRow): string {
  if (row.lastRunId === undefined) return 'never ran';
  if (row.exitCode === 0) return 'ok';
  if (row.exitCode === 1) return 'items failed';
  return 'aborted';
}

export function renderOrgStatusText(s: OrgStatus): string {
  const header = ['account', 'state', ...s.destinations, 'last run', 'alert'];
  const rows = s.accounts.map((r) => [
    r.accountId,
    state(r),
    ...s.destinations.map((d) => cellText(r.cells[d])),
    r.lastRunAt ?? '-',
    r.alerts.map((a) => `${a.alert}${a.errorCode ? ` ${a.errorCode}` : ''}`).join('; ') || '-',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()}\n`;
  const t = s.totals;
  return `${line(header)}${rows.map(line).join('')}\n${s.org}: ${t.accounts} accounts, ${t.ok} ok, ${t.failing} failing, ${t.neverRan} never ran\n`;
}

/** Row backgrounds of the HTML grid: failing accounts first and red. */
export const OrgRowColour = {
  failing: '#fde2e1',
  neverRan: '#fff4d6',
  ok: '#e7f6e7',
} as const;

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A self-contained page: the accounts × destinations grid, failing rows first. */
export function renderOrgStatusHtml(s: OrgStatus): string {
  const rank = (r: OrgAccountRow) =>
    r.lastRunId === undefined ? 1 : (r.exitCode ?? 0) > 0 ? 0 : 2;
  const rows = [...s.accounts].sort(
    (a, b) => rank(a) - rank(b) || a.accountId.localeCompare(b.accountId),
  );
  const cls = (r: OrgAccountRow) => (rank(r) === 0 ? 'bad' : rank(r) === 1 ? 'warn' : 'good');
  const body = rows
    .map(
      (r) =>
        `<tr class="${cls(r)}"><th scope="row">${esc(r.accountId)}</th><td>${esc(state(r))}</td>${s.destinations
          .map((d) => `<td>${esc(cellText(r.cells[d]))}</td>`)
          .join('')}<td>${esc(r.lastRunAt ?? '-')}</td><td>${esc(
          r.alerts.map((a) => `${a.alert} ${a.errorCode ?? ''}: ${a.message}`).join('; ') || '-',
        )}</td></tr>`,
    )
    .join('\n');
  const t = s.totals;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(s.org)} — DR status by account</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
tr.bad{background:${OrgRowColour.failing}}tr.warn{background:${OrgRowColour.neverRan}}tr.good{background:${OrgRowColour.ok}}
</style></head><body>
<h1>${esc(s.org)}</h1>
<p>${t.accounts} accounts: ${t.ok} ok, ${t.failing} failing, ${t.neverRan} never ran.</p>
<table><thead><tr><th>account</th><th>state</th>${s.destinations.map((d) => `<th>${esc(d)}</th>`).join('')}<th>last run</th><th>alerts</th></tr></thead>
<tbody>
${body}
</tbody></table></body></html>
`;
}
