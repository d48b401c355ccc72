/**
 * Plain-text tables for terminals and logs: left-aligned text, right-aligned numbers, two spaces
 * between columns. No colours and no box drawing, so output pastes cleanly into tickets.
 */

import { neutralise } from '../../terminal-safe.ts';

export const Align = { Left: 'left', Right: 'right' } as const;
export type Align = (typeof Align)[keyof typeof Align];

export interface Column {
  header: string;
  align?: Align;
}

export function renderTable(
  columns: readonly Column[],
  rawRows: readonly (readonly string[])[],
): string {
  // Cells hold cloud text; escaped before measuring, so columns stay aligned.
  const rows = rawRows.map((row) => row.map(neutralise));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? cell.length;
        return column.align === Align.Right ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const lines = [line(columns.map((c) => c.header)), ...rows.map(line)];
  return `${lines.join('\n')}\n`;
}

/** "3 copy, 1 skipped": non-zero counts only, in the order given. */
export function countsPhrase(
  counts: Readonly<Record<string, number>>,
  order: readonly string[],
): string {
  const parts = order.filter((key) => (counts[key] ?? 0) > 0).map((key) => `${counts[key]} ${key}`);
  return parts.length === 0 ? 'nothing' : parts.join(', ');
}

/** 1234 ms -> "1.2 s", 75 s -> "1m15s", 4 h -> "4h00m": the precision an operator reads at a glance. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) {
    return `${minutes}m${String(Math.round((ms - minutes * 60_000) / 1000)).padStart(2, '0')}s`;
  }
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
