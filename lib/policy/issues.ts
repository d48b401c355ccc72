import type { z } from 'zod';
import type { Anchor, PathSegment } from './locate.ts';
import { didYouMean } from './suggest.ts';

/** A problem before it is located in the source. */
export interface RawProblem {
  path: PathSegment[];
  message: string;
  anchor: Anchor;
}

// zod keeps the structure in `_zod.def`; only the few kinds the policy uses are walked.
interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  valueType?: { _zod: { def: Def } };
  options?: { _zod: { def: Def } }[];
  discriminator?: string;
}

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

/** The keys an object schema allows at `path`, for "did you mean" on unknown keys. */
function allowedKeysAt(schema: unknown, data: unknown, path: readonly PathSegment[]): string[] {
  let def = defOf(schema);
  const unwrap = () => {
    while (def.innerType) def = def.innerType._zod.def;
    if (def.type === 'union' && def.discriminator && def.options) {
      const wanted = valueAt(data, [...walked, def.discriminator]);
      const option = def.options.find((o) => {
        const d = o._zod.def.shape?.[def.discriminator ?? '']?._zod.def as
          | (Def & { values?: unknown[] })
          | undefined;
        return d?.values?.includes(wanted);
      });
      if (option) def = option._zod.def;
    }
  };
  const walked: PathSegment[] = [];
  unwrap();
  for (const seg of path) {
    const next =
      def.type === 'object'
        ? def.shape?.[String(seg)]
        : def.type === 'array'
          ? def.element
          : def.type === 'record'
            ? def.valueType
            : undefined;
    if (!next) return [];
    def = next._zod.def;
    walked.push(seg);
    unwrap();
  }
  return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

function describeValue(v: unknown): string {
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a whole number' : 'a fraction';
  return `a ${typeof v}`;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
};

function bound(
  issue: { origin?: string; inclusive?: boolean },
  n: unknown,
  small: boolean,
): string {
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case 'array':
      return small ? `must list at least ${n} item(s)` : `must list at most ${n} item(s)`;
    case 'string':
      return small ? `must be at least ${n} character(s)` : `must be at most ${n} characters`;
    default:
      if (small) return inclusive ? `must be at least ${n}` : `must be greater than ${n}`;
      return inclusive ? `must be at most ${n}` : `must be less than ${n}`;
  }
}

/**
 * Turns zod issues into user-facing problems: an unknown key points at the key itself with a
 * suggestion; a missing field points at the mapping that lacks it. Messages never echo values
 * (a webhook URL or secret must not end up in CI logs).
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: unknown,
  data: unknown,
): RawProblem[] {
  const out: RawProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeysAt(schema, data, path);
        for (const key of issue.keys) {
          out.push({
            path: [...path, key],
            anchor: 'key',
            message: `unknown key "${key}"${didYouMean(key, allowed)}`,
          });
        }
        break;
      }
      case 'invalid_type': {
        const actual = valueAt(data, path);
        if (actual === undefined) {
          out.push({ path, anchor: 'parent', message: `missing required field "${path.at(-1)}"` });
        } else {
          const expected = EXPECTED[issue.expected] ?? issue.expected;
          out.push({
            path,
            anchor: 'value',
            message: `must be ${expected}, not ${describeValue(actual)}`,
          });
        }
        break;
      }
      case 'too_small':
        out.push({ path, anchor: 'value', message: bound(issue, issue.minimum, true) });
        break;
      case 'too_big':
        out.push({ path, anchor: 'value', message: bound(issue, issue.maximum, false) });
        break;
      case 'invalid_value': {
        const values = issue.values.map(String);
        const actual = valueAt(data, path);
        const hint = typeof actual === 'string' ? didYouMean(actual, values) : '';
        out.push({ path, anchor: 'value', message: `must be one of: ${values.join(', ')}${hint}` });
        break;
      }
      case 'invalid_union': {
        const note = issue as { discriminator?: string; options?: unknown[] };
        if (note.discriminator && note.options) {
          const actual = valueAt(data, path);
          const options = note.options.map(String);
          out.push(
            actual === undefined
              ? {
                  path,
                  anchor: 'parent',
                  message: `missing "${note.discriminator}" (one of: ${options.join(', ')})`,
                }
              : { path, anchor: 'value', message: `must be one of: ${options.join(', ')}` },
          );
        } else {
          out.push({ path, anchor: 'value', message: 'does not match any allowed form' });
        }
        break;
      }
      case 'invalid_format':
        out.push({
          path,
          anchor: 'value',
          message: issue.format === 'url' ? 'must be an http(s) URL' : issue.message,
        });
        break;
      case 'invalid_key':
        out.push({ path, anchor: 'key', message: issue.issues[0]?.message ?? 'invalid key' });
        break;
      default:
        out.push({ path, anchor: 'value', message: issue.message });
    }
  }
  return out;
}
