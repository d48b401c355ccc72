import type { RawProblem } from './issues.ts';
import type { PathSegment } from './locate.ts';

/**
 * Keys that name JavaScript's object machinery. A mapping parsed from YAML keeps them as own
 * properties, but the schema's record parsing drops `__proto__` silently (a selector tag that
 * switches itself off), and code that copies them can poison prototypes: they are errors.
 */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

const FORBIDDEN = new Set<string>(PROTOTYPE_KEYS);

/** Every prototype key anywhere in the parsed document, located at the key. */
export function prototypeKeyProblems(data: unknown): RawProblem[] {
  const out: RawProblem[] = [];
  const walk = (value: unknown, path: PathSegment[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        walk(item, [...path, i]);
      });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const key of Object.keys(value)) {
      if (FORBIDDEN.has(key)) {
        out.push({
          path: [...path, key],
          anchor: 'key',
          message: `"${key}" is not allowed as a key (reserved by JavaScript objects)`,
        });
        continue;
      }
      walk((value as Record<string, unknown>)[key], [...path, key]);
    }
  };
  walk(data, []);
  return out;
}
