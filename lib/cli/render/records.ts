import type { LogRecord } from '../../records/types.ts';
import { type Column, renderTable } from './table.ts';

const COLUMNS: Column[] = [
  { header: 'TIME' },
  { header: 'KIND' },
  { header: 'WHAT' },
  { header: 'SOURCE' },
  { header: 'DESTINATION' },
  { header: 'COPY' },
  { header: 'MESSAGE' },
];

const MESSAGE_WIDTH = 70;

function what(record: LogRecord): string {
  switch (record.kind) {
    case 'item':
      return record.errorCode ? `${record.outcome} (${record.errorCode})` : record.outcome;
    case 'run':
      return `exit ${record.exitCode}`;
    case 'alert':
      return record.alert;
  }
}

function clip(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= width ? line : `${line.slice(0, width - 3)}...`;
}

/** Records read back from a log store, one row each, long messages clipped for the terminal. */
export function renderRecords(records: readonly LogRecord[]): string {
  const rows = records.map((record) => [
    record.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    record.kind,
    what(record),
    record.kind === 'item' ? `${record.sourceRegion}/${record.sourceSnapshotId}` : '-',
    record.kind === 'run' ? '-' : (record.destRegion ?? '-'),
    record.kind === 'item' ? (record.copySnapshotId ?? '-') : '-',
    clip(record.message, MESSAGE_WIDTH),
  ]);
  return renderTable(COLUMNS, rows);
}
