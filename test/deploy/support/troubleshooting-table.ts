import { readFileSync } from 'node:fs';

/** One row of the CopySnapshot error table in docs/operations.md. */
export interface TroubleshootingRow {
  codes: string[];
  http: string;
  meaning: string;
  action: string;
  operator: string;
}

const TABLE_HEADING = '### CopySnapshot error codes';

/** The rows of the error table: the first markdown table after its heading. */
export function readTroubleshootingTable(file: string): TroubleshootingRow[] {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(TABLE_HEADING);
  if (start < 0) throw new Error(`${file}: no "${TABLE_HEADING}" section`);
  const lines = text.slice(start).split('\n').slice(1);
  const rows: TroubleshootingRow[] = [];
  let inTable = false;
  for (const line of lines) {
    if (line.startsWith('|')) {
      inTable = true;
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      if (cells.length !== 5 || /^-+$/.test(cells[0] ?? '') || cells[0] === 'Code') continue;
      const [first = '', http = '', meaning = '', action = '', operator = ''] = cells;
      rows.push({
        codes: [...first.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ''),
        http,
        meaning,
        action,
        operator,
      });
    } else if (inTable) {
      break;
    }
  }
  return rows;
}

/** `400 Duplicate.TagKey The Tag.N.Key ...` lines of the seed's error table. */
export function seedErrorCodes(files: string[]): { code: string; http: string }[] {
  const found = new Map<string, string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/^(\d{3}) ([A-Za-z][\w.]+) /gm)) {
      found.set(match[2] ?? '', match[1] ?? '');
    }
  }
  return [...found].map(([code, http]) => ({ code, http }));
}

/** The codes listed under "Full error list" in reference §2 (backticked, with a dot or capital). */
export function referenceCopySnapshotCodes(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('**Full error list');
  const end = text.indexOf('**Limits and cost**', start);
  if (start < 0 || end < 0) throw new Error(`${file}: no CopySnapshot "Full error list"`);
  const codes = new Set<string>();
  for (const line of text.slice(start, end).split('\n')) {
    // `Name.{A,B,C}` is shorthand for three codes.
    for (const match of line.matchAll(/`([A-Za-z][\w.]*?)(?:\.\{([\w,]+)\})?`/g)) {
      const base = match[1] ?? '';
      if (match[2] !== undefined) {
        for (const leaf of match[2].split(',')) codes.add(`${base}.${leaf}`);
      } else if (/^[A-Z]/.test(base)) {
        codes.add(base);
      }
    }
  }
  return [...codes];
}
