import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CREDENTIALS } from '../../emulator/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'dr-replicator.mjs');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm start` as a user runs it: a child process, no cloud credentials or endpoint set. */
async function runDemo(): Promise<Outcome> {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('ALIBABA_CLOUD_') || name === 'DR_REPLICATOR_ENDPOINT') delete env[name];
  }
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'demo'], {
      cwd: ROOT,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The numbers of the `total` row of each summary table, by column header. */
function totals(stdout: string): Record<string, number>[] {
  const lines = stdout.split('\n');
  const tables: Record<string, number>[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('DESTINATION')) return;
    const headers = line.trim().split(/\s+/);
    const total = lines.slice(i + 1).find((l) => l.startsWith('total '));
    const cells = total?.trim().split(/\s{2,}/) ?? [];
    tables.push(Object.fromEntries(headers.map((h, j) => [h, Number(cells[j])])));
  });
  return tables;
}

describe('dr-replicator demo (npm start)', () => {
  let demo: Outcome;

  beforeAll(async () => {
    demo = await runDemo();
  });

  it('completes and exits 0', () => {
    expect(demo.stderr).not.toMatch(/dr-replicator: \S+: /);
    expect(demo.code).toBe(0);
  });

  it('talks to an emulator on the loopback address only', () => {
    expect(demo.stdout).toMatch(/^Emulator {2}http:\/\/127\.0\.0\.1:\d+ \(demo world/m);
  });

  it('says it sends records to the emulated SLS instead of the policy log target', () => {
    expect(demo.stdout).toContain(
      "emulated SLS dr-demo/replication (cn-hangzhou), overriding the policy's log target (stdout)",
    );
  });

  it('starts copies in the first run and starts none in the last, recording completions', () => {
    const runs = totals(demo.stdout);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs[0]?.STARTED).toBeGreaterThan(0);
    expect(runs.at(-1)?.STARTED).toBe(0);
    expect(runs.at(-1)?.COMPLETED).toBeGreaterThan(0);
    expect(demo.stdout).toMatch(/started no new copy/);
  });

  it('advances the virtual clock between runs', () => {
    expect(demo.stdout).toMatch(/^Clock \+\S+ to \d{4}-\d\d-\d\dT/m);
  });

  it('reads records back from the emulated SLS and shows a few', () => {
    const match = /Read back from SLS dr-demo\/replication: (\d+) records/.exec(demo.stdout);
    expect(Number(match?.[1])).toBeGreaterThan(0);
    expect(demo.stdout).toMatch(/^\S+ \S+ {2}run +exit \d/m);
    expect(demo.stdout).toMatch(/^\S+ \S+ {2}item {2}(completed|started) /m);
  });

  it('stamps records on the virtual clock: the newest run is one clock step after the one before', () => {
    const step = /^Clock \+(\d+)h00m to /m.exec(demo.stdout)?.[1];
    const runTimes = [...demo.stdout.matchAll(/^(\S+) (\S+)Z {2}run /gm)].map((m) =>
      Date.parse(`${m[1]}T${m[2]}Z`),
    );
    const last = demo.stdout
      .match(/^Clock \+\S+ to (\S+) /gm)
      ?.at(-1)
      ?.split(' ')[3];

    expect(runTimes).toHaveLength(2);
    // Seconds shown, and real milliseconds pass too: within a minute of one step apart.
    const apart = (runTimes[0] ?? 0) - (runTimes[1] ?? 0);
    expect(Math.abs(apart - Number(step) * 3_600_000)).toBeLessThan(60_000);
    // The newest run ran at the last time the clock was moved to, not at the wall clock's time.
    expect(Math.abs((runTimes[0] ?? 0) - Date.parse(last ?? ''))).toBeLessThan(60_000);
  });

  it('tells the user where to look next', () => {
    expect(demo.stdout).toContain(
      'npx dr-replicator emulator --world demo --state .state/emulator',
    );
    expect(demo.stdout).toMatch(
      /DR_REPLICATOR_ENDPOINT=http:\/\/127\.0\.0\.1:<port> npx dr-replicator plan --policy policies\/example\.yaml/,
    );
    expect(demo.stdout).toContain('README.md');
  });

  it('removes its temporary state folder', () => {
    const state = /state in (\S+), removed at exit/.exec(demo.stdout)?.[1];
    expect(state).toBeDefined();
    expect(existsSync(state ?? '')).toBe(false);
  });

  it('prints no secret', () => {
    expect(`${demo.stdout}${demo.stderr}`).not.toContain(DEFAULT_CREDENTIALS.accessKeySecret);
  });
});
