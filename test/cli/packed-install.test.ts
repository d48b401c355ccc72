import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import RPCClient from '@alicloud/pop-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a user of the published package gets: `npm pack` (which runs `prepare`, the CLI build),
 * the tarball installed into an empty folder, and the `dr-replicator` bin npm links there. It
 * runs compiled JavaScript with the production dependencies only (no tsx, no TypeScript).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** The parent `npm test` exports npm_* settings (its prefix among them); a user's npm has none. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD'),
  );
}

describe('the packed CLI, installed from its tarball', () => {
  let dir: string;
  let app: string;
  let bin: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dr-packed-'));
    const env = cleanEnv();
    await run('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, env });
    const tarball = (await readdir(dir)).find((file) => file.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`npm pack wrote no tarball to ${dir}`);
    app = path.join(dir, 'app');
    await mkdir(app);
    await writeFile(path.join(app, 'package.json'), '{"name":"app","private":true}\n');
    // The cache npm ci filled has every dependency; the registry is the fallback.
    await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(dir, tarball)],
      { cwd: app, env },
    );
    bin = path.join(app, 'node_modules', '.bin', 'dr-replicator');
  }, 300_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('installs compiled JavaScript and production dependencies only', () => {
    const installed = path.join(app, 'node_modules', 'ecs-dr-replicator');
    expect(existsSync(path.join(installed, 'build', 'cli', 'dr-replicator.mjs'))).toBe(true);
    expect(existsSync(path.join(installed, 'lib'))).toBe(false);
    expect(existsSync(path.join(app, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(path.join(app, 'node_modules', 'typescript'))).toBe(false);
  });

  it('prints --help with every command', async () => {
    const { stdout } = await run(bin, ['--help'], { cwd: app });
    for (const command of ['validate', 'plan', 'run', 'status', 'serve', 'emulator', 'demo']) {
      expect(stdout).toContain(`  ${command} `);
    }
  });

  it('validates the shipped policies (exit 0) and names the problem in a bad one (exit 2)', async () => {
    const policies = path.join(app, 'node_modules', 'ecs-dr-replicator', 'policies');
    const files = ['example.yaml', 'encrypted-two-destinations.yaml', 'production-databases.yaml'];
    const ok = await run(bin, ['validate', ...files.map((f) => path.join(policies, f))], {
      cwd: app,
    });
    expect(ok.stderr.match(/: ok$/gm)).toHaveLength(3);

    await writeFile(path.join(app, 'bad.yaml'), 'name: x\nschedule: every day\n');
    const bad = await run(bin, ['validate', 'bad.yaml'], { cwd: app }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/bad\.yaml:\d+/);
  });

  it('starts the emulator, which answers the ECS API, and stops it on SIGTERM with exit 0', async () => {
    const child = spawn(bin, ['emulator', '--port', '0'], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines: string[] = [];
      const rl = createInterface({ input: child.stdout });
      rl.on('line', (line) => lines.push(line));
      while (lines.length < 3) await once(rl, 'line');
      const url = /^emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0] ?? '')?.[1];
      const value = (name: string) => lines.find((l) => l.startsWith(`${name}=`))?.split('=')[1];
      expect(url).toBeDefined();
      const client = new RPCClient({
        endpoint: url ?? '',
        apiVersion: '2014-05-26',
        accessKeyId: value('ALIBABA_CLOUD_ACCESS_KEY_ID') ?? '',
        accessKeySecret: value('ALIBABA_CLOUD_ACCESS_KEY_SECRET') ?? '',
      });
      const body = await client.request<{ TotalCount: number }>(
        'DescribeSnapshots',
        { RegionId: 'cn-hangzhou', PageSize: 10 },
        { method: 'POST' },
      );
      expect(body.TotalCount).toBeGreaterThan(0);

      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
