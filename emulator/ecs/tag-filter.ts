import { apiError } from '../protocol/api-error.ts';

/** One `TagFilter.N` of ListTagResources: a tag key and, optionally, the values it may have. */
export interface TagFilter {
  key: string;
  /** Empty: any value. */
  values: string[];
}

const KEY_RE = /^TagFilter\.(\d+)\.TagKey$/;
const VALUE_RE = /^TagFilter\.(\d+)\.TagValues\.(\d+)$/;
const MAX_FILTERS = 10;

/**
 * Reads `TagFilter.N.TagKey` / `TagFilter.N.TagValues.M` (ListTagResources API page). A value
 * without its key is `InvalidTag.Mismatch`. The page calls the match fuzzy without defining it;
 * the emulator matches keys and values exactly (README, "Not modelled").
 */
export function readTagFilters(params: Readonly<Record<string, string>>): TagFilter[] {
  const byN = new Map<number, { key?: string; values: [number, string][] }>();
  const entry = (n: number) => {
    const e = byN.get(n) ?? { values: [] };
    byN.set(n, e);
    return e;
  };
  for (const [name, value] of Object.entries(params)) {
    const k = KEY_RE.exec(name);
    if (k !== null) entry(Number(k[1])).key = value;
    const v = VALUE_RE.exec(name);
    if (v !== null) entry(Number(v[1])).values.push([Number(v[2]), value]);
  }
  if (byN.size > MAX_FILTERS) throw apiError('InvalidTagCount');
  return [...byN.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, e]) => {
      if (e.key === undefined || e.key === '') throw apiError('InvalidTag.Mismatch');
      return { key: e.key, values: e.values.sort((a, b) => a[0] - b[0]).map(([, v]) => v) };
    });
}

/** Whether `tags` satisfy every filter. */
export function matchesTagFilters(
  tags: Readonly<Record<string, string>>,
  filters: readonly TagFilter[],
): boolean {
  return filters.every(
    (f) => Object.hasOwn(tags, f.key) && (f.values.length === 0 || f.values.includes(tags[f.key]!)),
  );
}
