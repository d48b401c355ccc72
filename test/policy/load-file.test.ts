import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../lib/errors.ts';
import { checkPolicyFile, loadPolicyFile, PolicyValidationError } from '../../lib/policy/load.ts';
import { MAX_POLICY_BYTES } from '../../lib/policy/read.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'policy-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** The one problem a broken file must produce. */
async function onlyProblem(path: string): Promise<string> {
  const { policy, problems } = await checkPolicyFile(path, 'p.yaml');
  expect(policy).toBeUndefined();
  expect(problems).toHaveLength(1);
  return problems[0]?.message ?? '';
}

describe('checkPolicyFile', () => {
  it('reports a missing file in one line', async () => {
    expect(await onlyProblem(join(dir, 'absent.yaml'))).toBe('no such file');
  });
  it('reports a directory', async () => {
    expect(await onlyProblem(dir)).toBe('is a directory, not a policy file');
  });
  it('reports a file whose read fails (EIO from /proc/self/mem)', async () => {
    expect(await onlyProblem('/proc/self/mem')).toMatch(/cannot be read \(EIO\)/);
  });
  it('reports an empty file', async () => {
    expect(await onlyProblem(await file('empty.yaml', ''))).toMatch(/the file is empty/);
  });
  it('reports a whitespace-only file as empty', async () => {
    expect(await onlyProblem(await file('blank.yaml', '\n  \n'))).toMatch(/the file is empty/);
  });
  it('refuses a 10 MB file without reading it', async () => {
    const path = join(dir, 'huge.yaml');
    const handle = await open(path, 'w');
    await handle.truncate(10 * 1024 * 1024);
    await handle.close();
    expect(await onlyProblem(path)).toBe('is 10.0 MiB; a policy file may be at most 1 MiB');
  });
  it('accepts exactly 1 MiB as far as size goes', async () => {
    const path = await file('edge.yaml', `# ${'x'.repeat(MAX_POLICY_BYTES - 3)}\n`);
    expect(await onlyProblem(path)).toMatch(/the file is empty/);
  });
  it('reports invalid YAML with its position', async () => {
    const { problems } = await checkPolicyFile(await file('bad.yaml', 'a: [1\n'), 'bad.yaml');
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'bad.yaml',
        line: 2,
        col: 1,
        message: expect.stringMatching(/^YAML: /),
      }),
    ]);
  });
  it('reports a binary file', async () => {
    expect(await onlyProblem(await file('bin.yaml', Buffer.from([0x6e, 0, 1, 2])))).toMatch(
      /binary/,
    );
  });
  it('reports text that is not UTF-8', async () => {
    expect(
      await onlyProblem(await file('latin1.yaml', Buffer.from([0x6e, 0x3a, 0x20, 0xe9]))),
    ).toBe('is not UTF-8 text');
  });
  it('ignores a UTF-8 byte order mark', async () => {
    const text =
      '\uFEFFname: demo\nschedule: "@every 60m"\nsource: {regions: [cn-hangzhou]}\ndestinations: [{region: cn-beijing}]\n';
    expect((await checkPolicyFile(await file('bom.yaml', text))).problems).toEqual([]);
  });
});

describe('loadPolicyFile', () => {
  it('returns the typed policy of a valid file', async () => {
    const policy = await loadPolicyFile('policies/example.yaml');
    expect(policy.name).toBe('demo-dr');
  });
  it('throws PolicyValidationError (code PolicyInvalid) listing every problem', async () => {
    const path = await file(
      'two.yaml',
      'name: 1x\nschedule: nope\nsource: {regions: [cn-hangzhou]}\ndestinations: [{region: cn-beijing}]\n',
    );
    const error = await loadPolicyFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyValidationError);
    expect(error).toBeInstanceOf(InvalidInputError);
    const { code, problems, message } = error as PolicyValidationError;
    expect(code).toBe('PolicyInvalid');
    expect(problems.map((p) => p.path)).toEqual(['name', 'schedule']);
    expect(message).toContain(`${path}:2:11: schedule: `);
  });
});
