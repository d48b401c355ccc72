import fc from 'fast-check';
import { stringify } from 'yaml';

/** A policy the loader accepts; the mutators start from it so most cases get past YAML parsing. */
export function validPolicyObject(): Record<string, unknown> {
  return {
    name: 'prod-dr',
    schedule: '0 0 */4 * * *',
    source: {
      regions: ['cn-hangzhou'],
      select: { tags: { backup: 'dr' }, snapshotTypes: ['auto', 'user'] },
      lookbackHours: 72,
      copyMode: 'all',
    },
    destinations: [
      { region: 'cn-shanghai', encrypted: true, kmsKeyId: 'key-1', retentionDays: 30, keepLast: 3 },
      { region: 'cn-beijing', rpoHours: 12, maxConcurrentCopies: 5 },
    ],
    copy: { nameTemplate: 'dr-{sourceName}-{date}', tags: { team: 'sre' } },
    limits: { requestsPerMinute: { CopySnapshot: 900 }, maxAttempts: 6 },
    log: { type: 'stdout' },
  };
}

type Path = (string | number)[];

/** Every path to a value inside a JSON-like tree, the root excluded. */
function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...paths(child, [...prefix, key])]);
}

function setAt(root: unknown, path: Path, replace: (old: unknown) => unknown | undefined): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const next = replace(node[last]);
  if (next === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {
    node[last] = next;
  }
}

/** Values that tend to break hand-written checks: wrong types, edges, huge and odd strings. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    ' ',
    '-1',
    0,
    -1,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    0.5,
    true,
    null,
    [],
    {},
    'http://evil.example',
    'acs:system',
    '{sourceName}{sourceName}{nope}',
    '(a+)+$',
    '[',
    '\u0000',
    '😀'.repeat(200),
    'x'.repeat(70_000),
  ),
  fc.string({ unit: 'binary', maxLength: 64 }),
);

/** A valid policy with one to four random edits: replace, delete, or add an unknown key. */
export const mutatedPolicy: fc.Arbitrary<unknown> = fc
  .array(
    fc.record({
      pick: fc.nat(),
      op: fc.constantFrom('replace', 'delete', 'add'),
      value: hostileValue,
      key: fc.string({ minLength: 1, maxLength: 12 }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((edits) => {
    const policy = validPolicyObject();
    for (const edit of edits) {
      const all = paths(policy);
      if (all.length === 0) break;
      const path = all[edit.pick % all.length]!;
      if (edit.op === 'replace') setAt(policy, path, () => edit.value);
      else if (edit.op === 'delete') setAt(policy, path, () => undefined);
      else
        setAt(policy, path, (old) =>
          old !== null && typeof old === 'object' && !Array.isArray(old)
            ? { ...old, [edit.key]: edit.value }
            : edit.value,
        );
    }
    return policy;
  });

/** YAML that attacks the parser rather than the schema. */
export const hostileYaml: readonly string[] = [
  '',
  '---',
  '~',
  '[]',
  '42',
  '"just a string"',
  'name: a\nname: b\n',
  'a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d]\n',
  'x: !!js/function "function () { return 1 }"\n',
  'x: !custom-tag 1\n',
  '<<: *missing\n',
  `${'['.repeat(2000)}${']'.repeat(2000)}`,
  `${'a:\n '.repeat(500)}b`,
  'name: prod\n\tschedule: bad-indent\n',
  '\uFEFFname: bom',
  'destinations:\n  - region: cn-shanghai\n    region: cn-beijing\n',
  '%YAML 9.9\n---\nname: x\n',
  'key: "unterminated\n',
  'name: x\n...\n---\nname: y\n',
  // Found by the full fuzz run: a template that is only a newline.
  toYaml({ ...validPolicyObject(), copy: { nameTemplate: '\n' } }),
];

/** Turns a value into YAML the way an operator's editor would write it. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
