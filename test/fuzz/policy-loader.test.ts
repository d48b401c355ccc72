import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../lib/cli/io.ts';
import { main } from '../../lib/cli/main.ts';
import { checkPolicyFile, parsePolicyText } from '../../lib/policy/load.ts';
import { PolicySchema } from '../../lib/policy/schema.ts';
import { chaosSeed, propertyTimeoutMs, sized } from '../chaos/support/mode.ts';
import {
  hostileValue,
  hostileYaml,
  mutatedPolicy,
  toYaml,
  validPolicyObject,
} from './support/policies.ts';

const FILE = 'policies/fuzz.yaml';
const numRuns = sized(500, 10_000);

/**
 * The loader's whole contract under hostile input: it returns, never throws; either a policy
 * the schema accepts and no problems, or at least one problem located in the file, each one
 * line of text an operator can act on.
 */
function acceptsOrLocates(text: string): void {
  const lineCount = text.split(/\r\n|\r|\n/).length;
  const { policy, problems } = parsePolicyText(text, FILE);
  if (policy) {
    expect(problems).toEqual([]);
    expect(PolicySchema.safeParse(policy).success).toBe(true);
    return;
  }
  expect(problems.length).toBeGreaterThan(0);
  for (const p of problems) {
    expect(p.file).toBe(FILE);
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.line).toBeLessThanOrEqual(lineCount + 1);
    expect(p.col).toBeGreaterThanOrEqual(1);
    expect(p.message.trim().length).toBeGreaterThan(0);
    // One problem, one line: `validate` prints `file:line:col: message` per line.
    expect(p.message).not.toMatch(/[\r\n]/);
    expect(p.message).not.toContain('[object Object]');
  }
}

describe('policy loader under hostile input', () => {
  it('accepts the unmutated policy the fuzzers start from', () => {
    const { policy, problems } = parsePolicyText(toYaml(validPolicyObject()), FILE);
    expect(problems).toEqual([]);
    expect(policy?.name).toBe('prod-dr');
  });

  it(
    'locates a problem in, or accepts, any text at all',
    () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), acceptsOrLocates), {
        numRuns,
        seed: chaosSeed,
      });
    },
    propertyTimeoutMs,
  );

  it(
    'locates a problem in, or accepts, any YAML value',
    () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue({ maxDepth: 5 }), hostileValue), (value) =>
          acceptsOrLocates(toYaml(value)),
        ),
        { numRuns, seed: chaosSeed },
      );
    },
    propertyTimeoutMs,
  );

  it(
    'locates a problem in, or accepts, a valid policy after random edits',
    () => {
      fc.assert(
        fc.property(mutatedPolicy, (policy) => acceptsOrLocates(toYaml(policy))),
        { numRuns, seed: chaosSeed },
      );
    },
    propertyTimeoutMs,
  );

  it(
    'locates a problem in a valid policy after random line-level damage',
    () => {
      const lines = toYaml(validPolicyObject()).split('\n');
      const damage = fc.array(
        fc.record({
          at: fc.nat({ max: lines.length - 1 }),
          cut: fc.nat({ max: 40 }),
          insert: fc.constantFrom(
            '',
            ':',
            '- ',
            '  ',
            '\t',
            '&a ',
            '*a',
            '!!binary ',
            '"',
            '{',
            '#',
          ),
        }),
        { minLength: 1, maxLength: 3 },
      );
      fc.assert(
        fc.property(damage, (edits) => {
          const copy = [...lines];
          for (const e of edits) {
            const line = copy[e.at] ?? '';
            copy[e.at] = line.slice(0, e.cut) + e.insert + line.slice(e.cut);
          }
          acceptsOrLocates(copy.join('\n'));
        }),
        { numRuns, seed: chaosSeed },
      );
    },
    propertyTimeoutMs,
  );

  it('locates a problem in parser attacks: alias bombs, deep nesting, tags, many documents', () => {
    for (const text of hostileYaml) acceptsOrLocates(text);
  });
});

describe('policy file reader under hostile files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dr-fuzz-policy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'reports arbitrary bytes, binary files and oversized files as one-line problems',
    async () => {
      const files = fc.oneof(
        fc.uint8Array({ maxLength: 2_048 }).map((b) => Buffer.from(b)),
        fc.constant(Buffer.alloc(1024 * 1024 + 1, 0x61)),
        fc.constant(Buffer.from([0xff, 0xfe, 0x00, 0x41])),
      );
      let n = 0;
      await fc.assert(
        fc.asyncProperty(files, async (bytes) => {
          const file = path.join(dir, `case-${n++}.yaml`);
          writeFileSync(file, bytes);
          const { policy, problems } = await checkPolicyFile(file);
          if (policy) return;
          expect(problems.length).toBeGreaterThan(0);
          for (const p of problems) {
            expect(p.message.trim().length).toBeGreaterThan(0);
            expect(p.message).not.toMatch(/\n\s+at /);
          }
        }),
        { numRuns: sized(50, 1_000), seed: chaosSeed },
      );
    },
    propertyTimeoutMs,
  );
});

describe('dr-replicator validate and run with a damaged policy file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dr-fuzz-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: {},
      cwd: dir,
      isTTY: false,
    };
    const code = await main(['node', 'dr-replicator', ...args], io);
    return { code, out: out.join(''), err: err.join('') };
  }

  const damaged = fc.oneof(
    mutatedPolicy.map(toYaml),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.constantFrom(...hostileYaml),
  );

  it(
    'validate exits 0 for a valid file and 2 with one located line per problem otherwise',
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(damaged, async (text) => {
          const file = `case-${n++}.yaml`;
          writeFileSync(path.join(dir, file), text);
          const { code, out, err } = await cli(['validate', file]);
          expect(err).not.toMatch(/\n\s+at /);
          if (code === 0) return;
          expect(code).toBe(2);
          const lines = out.trimEnd().split('\n');
          expect(lines.length).toBeGreaterThan(0);
          for (const line of lines) expect(line.startsWith(`${file}`)).toBe(true);
        }),
        { numRuns: sized(100, 2_000), seed: chaosSeed },
      );
    },
    propertyTimeoutMs,
  );

  it(
    'run refuses an invalid policy with exit 2 before any cloud call',
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(damaged, async (text) => {
          const file = `run-${n++}.yaml`;
          writeFileSync(path.join(dir, file), text);
          if (parsePolicyText(text, file).policy) return; // valid: nothing to refuse
          const { code, err } = await cli(['run', '--policy', file]);
          expect(code).toBe(2);
          expect(err).toContain(file);
          expect(err).not.toMatch(/\n\s+at /);
        }),
        { numRuns: sized(50, 1_000), seed: chaosSeed },
      );
    },
    propertyTimeoutMs,
  );
});
