import type { RunSummary } from '../../engine/types.ts';
import { ExitCode } from '../../errors.ts';
import { Outcome } from '../../records/types.ts';
import { neutralise } from '../../terminal-safe.ts';
import { Align, type Column, formatMs, renderTable } from './table.ts';

/** Columns in the order an operator reads a run: what moved, what waits, what broke. */
export const OUTCOME_ORDER = [
  Outcome.Started,
  Outcome.Recopy,
  Outcome.Completed,
  Outcome.AlreadyCopied,
  Outcome.InProgress,
  Outcome.Deferred,
  Outcome.Skipped,
  Outcome.Failed,
  Outcome.Pruned,
] as const;

const RESULT_WORDS = {
  [ExitCode.Ok]: 'ok',
  [ExitCode.ItemsFailed]: 'some items failed',
  [ExitCode.InvalidInput]: 'invalid input',
  [ExitCode.Aborted]: 'aborted',
} as const satisfies Record<ExitCode, string>;

export function resultWord(exitCode: number): string {
  return RESULT_WORDS[exitCode as ExitCode] ?? `exit ${exitCode}`;
}

/** The end-of-run table: one row per destination, a total row, then stops and API calls. */
export function renderRunSummary(summary: RunSummary): string {
  // Pruned only shows when the policy prunes, to keep the common table narrow.
  const outcomes = OUTCOME_ORDER.filter(
    (outcome) =>
      (outcome !== Outcome.Pruned && outcome !== Outcome.Recopy) ||
      (summary.totals[outcome] ?? 0) > 0,
  );
  const columns: Column[] = [
    { header: 'DESTINATION' },
    ...outcomes.map((outcome) => ({ header: outcome.toUpperCase(), align: Align.Right })),
    { header: 'STATUS' },
  ];
  const row = (label: string, counts: Record<string, number>, status: string): string[] => [
    label,
    ...outcomes.map((outcome) => String(counts[outcome] ?? 0)),
    status,
  ];
  const rows = summary.destinations.map((destination) =>
    row(
      destination.region,
      destination.counts,
      destination.stopped ? `stopped: ${destination.stopped.errorCode}` : 'ok',
    ),
  );
  rows.push(row('total', summary.totals, resultWord(summary.exitCode)));

  const title =
    `Run ${summary.runId} of policy ${summary.policy}${summary.dryRun ? ' (dry run)' : ''}: ` +
    `${resultWord(summary.exitCode)} in ${formatMs(summary.durationMs)}`;
  const notes: string[] = [];
  if (summary.aborted) {
    notes.push(`Aborted: ${summary.aborted.errorCode}: ${summary.aborted.message}`);
  }
  for (const destination of summary.destinations) {
    if (destination.stopped) {
      notes.push(
        `Stopped ${destination.region}: ${destination.stopped.errorCode}: ${destination.stopped.message}`,
      );
    }
  }
  notes.push(`API calls: ${apiCallsPhrase(summary.apiCalls)}`);
  // Error messages and ids come from the cloud: shown escaped, one line each.
  return `${neutralise(title)}\n\n${renderTable(columns, rows)}\n${notes.map(neutralise).join('\n')}\n`;
}

/** "10 (CopySnapshot 4, DescribeSnapshots 6)": sorted by name so runs compare line by line. */
export function apiCallsPhrase(calls: Readonly<Record<string, number>>): string {
  const entries = Object.entries(calls)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return 'none';
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  return `${total} (${entries.map(([name, count]) => `${name} ${count}`).join(', ')})`;
}
