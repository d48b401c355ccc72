import { readFileSync } from 'node:fs';

/** One documented or captured response and where it comes from (test/fixtures/wire-samples.json). */
export interface WireSample {
  source: string;
  response: Record<string, unknown>;
}

export interface WireSamples {
  actions: Record<string, WireSample>;
  errors: Record<'ecs' | 'kms', WireSample>;
}

export function loadWireSamples(): WireSamples {
  const url = new URL('../../fixtures/wire-samples.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as WireSamples;
}

function kind(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value;
}

/**
 * Where `actual` (a JSON answer) departs from `sample`: a field the sample does not have, or a
 * field whose JSON type differs (number vs string, boolean vs string, list vs object). List items
 * are checked against the sample's first item.
 */
export function wireTypeMismatches(sample: unknown, actual: unknown, path = '$'): string[] {
  if (kind(sample) !== kind(actual)) {
    return [`${path}: ${kind(actual)} where the sample has ${kind(sample)}`];
  }
  if (Array.isArray(actual)) {
    const model = (sample as unknown[])[0];
    if (model === undefined) return [];
    return actual.flatMap((item, i) => wireTypeMismatches(model, item, `${path}[${i}]`));
  }
  if (kind(actual) !== 'object') return [];
  const s = sample as Record<string, unknown>;
  return Object.entries(actual as Record<string, unknown>).flatMap(([key, value]) =>
    Object.hasOwn(s, key)
      ? wireTypeMismatches(s[key], value, `${path}.${key}`)
      : [`${path}.${key}: not in the sample`],
  );
}

/** Leaf field paths of a response shape (list items collapsed to `[]`), for coverage counts. */
export function fieldPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) {
    const paths = new Set(value.flatMap((item) => fieldPaths(item, `${path}[]`)));
    return [...paths];
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      fieldPaths(v, path === '' ? k : `${path}.${k}`),
    );
  }
  return [path];
}
