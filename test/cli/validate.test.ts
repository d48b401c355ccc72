import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../lib/cli/io.ts';
import { main } from '../../lib/cli/main.ts';

const run = promisify(execFile);

/** Six mistakes the issue names: misspelt key, unknown region, digit-first name template,
 *  tag key acs:x, retentionDays 0, encrypted destination without a key. */
const SIX_MISTAKES = readFileSync(
  new URL('../fixtures/six-mistakes.yaml', import.meta.url),
  'utf8',
);

let dir: string;
let broken: string;

function captureIo(cwd = process.cwd()): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: () => out.join(''),
    err: () => err.join(''),
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    cwd,
    isTTY: false,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'validate-cli-'));
  broken = join(dir, 'broken.yaml');
  await writeFile(broken, SIX_MISTAKES);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('dr-replicator validate', () => {
  it('exits 0 for the shipped example policies', async () => {
    const io = captureIo();
    const files = [
      'policies/example.yaml',
      'policies/encrypted-two-destinations.yaml',
      'policies/production-databases.yaml',
    ];
    expect(await main(['node', 'dr-replicator', 'validate', ...files], io)).toBe(0);
    expect(io.out()).toBe('');
  });

  it('exits 2 and prints one file:line:col: path: message line per problem', async () => {
    const io = captureIo(dir);
    expect(await main(['node', 'dr-replicator', 'validate', 'broken.yaml'], io)).toBe(2);
    expect(io.out().trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^broken\.yaml:4:26: source\.regions\.1: unknown region "cn-nowhere"$/),
      expect.stringMatching(
        /^broken\.yaml:7:5: destinations\.0\.retentionDay: unknown key "retentionDay"/,
      ),
      expect.stringMatching(
        /^broken\.yaml:9:16: destinations\.1\.encrypted: encrypted: true needs kmsKeyId/,
      ),
      'broken.yaml:10:20: destinations.1.retentionDays: must be at least 1',
      expect.stringMatching(
        /^broken\.yaml:12:17: copy\.nameTemplate: a snapshot name must start with a letter/,
      ),
      expect.stringMatching(
        /^broken\.yaml:14:5: copy\.tags\.acs:x: a tag key cannot start with acs:/,
      ),
    ]);
    expect(io.err()).toContain('6 problem(s) in 1 of 1 file(s)');
  });

  it('gives the same problems as a JSON array with --output json', async () => {
    const io = captureIo(dir);
    expect(
      await main(['node', 'dr-replicator', 'validate', '--output', 'json', 'broken.yaml'], io),
    ).toBe(2);
    const problems = JSON.parse(io.out());
    expect(problems).toHaveLength(6);
    expect(problems[3]).toEqual({
      file: 'broken.yaml',
      line: 10,
      col: 20,
      path: 'destinations.1.retentionDays',
      message: 'must be at least 1',
    });
  });

  it('prints an empty JSON array when everything is valid', async () => {
    const io = captureIo();
    expect(
      await main(
        ['node', 'dr-replicator', 'validate', '--output', 'json', 'policies/example.yaml'],
        io,
      ),
    ).toBe(0);
    expect(JSON.parse(io.out())).toEqual([]);
  });

  it('checks every file, not only up to the first invalid one', async () => {
    const io = captureIo(dir);
    const code = await main(
      ['node', 'dr-replicator', 'validate', 'missing.yaml', 'broken.yaml'],
      io,
    );
    expect(code).toBe(2);
    expect(io.out()).toMatch(/^missing\.yaml: no such file$/m);
    expect(io.out()).toMatch(/^broken\.yaml:14:5: /m);
  });

  it('exits 2 when no file is given', async () => {
    const io = captureIo();
    expect(await main(['node', 'dr-replicator', 'validate'], io)).toBe(2);
    expect(io.err()).toMatch(/missing required argument/);
  });
});

describe('the dr-replicator binary', () => {
  it('validates through bin/dr-replicator.mjs, exiting 2 with one line per problem', async () => {
    const result = await run(process.execPath, [
      'bin/dr-replicator.mjs',
      'validate',
      broken,
      'policies/example.yaml',
    ]).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(6);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a 10 MB file in one line, never a stack trace', async () => {
    const huge = join(dir, 'huge.yaml');
    await writeFile(huge, Buffer.alloc(10 * 1024 * 1024, 0x61));
    const result = await run(process.execPath, ['bin/dr-replicator.mjs', 'validate', huge]).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe(`${huge}: is 10.0 MiB; a policy file may be at most 1 MiB\n`);
  });
});
