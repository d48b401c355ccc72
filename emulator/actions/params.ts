import { apiError } from '../protocol/api-error.ts';

type Params = Readonly<Record<string, string>>;

export function required(params: Params, name: string): string {
  const v = params[name];
  if (v === undefined || v === '') throw apiError('MissingParameter', name);
  return v;
}

export function optional(params: Params, name: string): string | undefined {
  const v = params[name];
  return v === undefined || v === '' ? undefined : v;
}

/** RPC booleans arrive as "true"/"false" (any case). */
export function optionalBool(params: Params, name: string): boolean | undefined {
  const v = optional(params, name);
  if (v === undefined) return undefined;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  throw apiError('InvalidParameter', name);
}

export function optionalInt(params: Params, name: string): number | undefined {
  const v = optional(params, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw apiError('InvalidParameter', name);
  return Number(v);
}

export interface TagParam {
  n: number;
  key: string | undefined;
  value: string | undefined;
}

/** Collects Tag.N.Key / Tag.N.Value (also the deprecated lower-case key/value) ordered by N. */
export function readTagParams(params: Params, prefix = 'Tag'): TagParam[] {
  const byN = new Map<number, TagParam>();
  const re = new RegExp(`^${prefix}\\.(\\d+)\\.(Key|Value|key|value)$`);
  for (const [name, value] of Object.entries(params)) {
    const m = re.exec(name);
    if (m === null) continue;
    const n = Number(m[1]);
    const entry = byN.get(n) ?? { n, key: undefined, value: undefined };
    if (m[2]!.toLowerCase() === 'key') entry.key = value;
    else entry.value = value;
    byN.set(n, entry);
  }
  return [...byN.values()].sort((a, b) => a.n - b.n);
}

/** Collects a repeat list such as ResourceId.1, ResourceId.2 ordered by N. */
export function readList(params: Params, prefix: string): string[] {
  const out: [number, string][] = [];
  const re = new RegExp(`^${prefix}\\.(\\d+)$`);
  for (const [name, value] of Object.entries(params)) {
    const m = re.exec(name);
    if (m !== null) out.push([Number(m[1]), value]);
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}
