import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator, syntheticWorld } from '../../emulator/index.ts';
import { main } from '../../lib/cli/main.ts';
import type { HealthLine } from '../../lib/ops/health-line.ts';
import type { PolicyInput } from '../../lib/policy/schema.ts';
import type { LogRecord, RunRecord } from '../../lib/records/types.ts';
import { captureIo, emulatorEnv, writePolicy } from '../ops/cli-harness.ts';

const BIN = resolve(import.meta.dirname, '../../bin/dr-replicator.mjs');
/** Generous: only reached when the awaited output never comes (then the test fails). */
const WAIT_MS = 45_000;

/** A `dr-replicator serve` child process whose output a test can await line by line. */
function serve(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd,
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    stdout += t;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    stderr += t;
    notify();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));

  /** Resolves once `test` holds for the output so far; rejects with the output on timeout or exit. */
  function until(what: string, test: () => boolean): Promise<void> {
    return new Promise((ok, fail) => {
      const check = () => {
        if (!test()) return;
        cleanup();
        ok();
      };
      const timer = setTimeout(() => {
        cleanup();
        fail(new Error(`timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, WAIT_MS);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
      };
      waiters.push(check);
      void exited.then(() => {
        if (waiters.includes(check)) {
          cleanup();
          if (test()) ok();
          else
            fail(new Error(`serve exited before ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }
      });
      check();
    });
  }

  const healthLines = () =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as HealthLine | LogRecord)
      .filter((l): l is HealthLine => (l as HealthLine).kind === 'health');

  return {
    child,
    exited,
    until,
    healthLines,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

function policy(name: string, fields: Partial<PolicyInput> = {}): PolicyInput {
  return {
    name,
    schedule: '* * * * * *',
    source: { regions: ['cn-hangzhou'], select: { tags: { dr: 'true' } } },
    destinations: [{ region: 'cn-beijing', rpoHours: 24 }],
    log: { type: 'file', path: `${name}.jsonl` },
    ...fields,
  };
}

async function runRecords(dir: string, file: string): Promise<RunRecord[]> {
  const text = await readFile(join(dir, file), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogRecord)
    .filter((r): r is RunRecord => r.kind === 'run');
}

let emulator: RunningEmulator;
let dir: string;
let running: ReturnType<typeof serve> | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dr-serve-'));
  emulator = await startEmulator({
    world: syntheticWorld({
      regions: ['cn-hangzhou'],
      disksPerRegion: 4,
      snapshotsPerDisk: 1,
      now: new Date(),
      tagged: { dr: 'true' },
      destinations: ['cn-beijing'],
    }),
  });
});

afterEach(async () => {
  if (running !== undefined && running.child.exitCode === null) {
    running.child.kill('SIGKILL');
    await running.exited;
  }
  running = undefined;
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('dr-replicator serve', () => {
  it('runs each policy on its schedule, one JSON health line per run, and stops on SIGTERM with 0', async () => {
    await writePolicy(dir, 'a.yaml', policy('policy-a'));
    await writePolicy(
      dir,
      'b.yaml',
      policy('policy-b', { destinations: [{ region: 'ap-southeast-1', rpoHours: 24 }] }),
    );
    running = serve(['--policy', 'a.yaml', 'b.yaml'], emulatorEnv(emulator), dir);

    await running.until('a health line of each policy', () => {
      const names = new Set(running!.healthLines().map((h) => h.policy));
      return names.has('policy-a') && names.has('policy-b');
    });
    running.child.kill('SIGTERM');
    const code = await running.exited;

    expect(code).toBe(0);
    const lines = running.healthLines();
    const firstA = lines.find((h) => h.policy === 'policy-a')!;
    expect(firstA).toMatchObject({ kind: 'health', exitCode: 0 });
    expect(firstA.totals.started).toBe(4);
    // Every health line is a run that left its run record in the policy's log.
    const recorded = new Set((await runRecords(dir, 'policy-a.jsonl')).map((r) => r.runId));
    for (const h of lines.filter((l) => l.policy === 'policy-a'))
      expect(recorded.has(h.runId)).toBe(true);
    expect(running.stderr()).toContain('dr-replicator serve: stopped');
    expect(running.stderr()).not.toContain(emulator.credentials.accessKeySecret);
  });

  it('skips ticks during a slow run and, on SIGTERM, lets the run finish and write its records', async () => {
    // Each CopySnapshot takes 1.5 s, one at a time: a run of 4 copies spans several ticks.
    emulator.admin.setFaults({ latencyMs: 1500, actions: ['CopySnapshot'] });
    await writePolicy(
      dir,
      'slow.yaml',
      policy('slow', {
        destinations: [{ region: 'cn-beijing', rpoHours: 24, maxConcurrentCopies: 1 }],
      }),
    );
    // A long budget: only the signal may stop the run early.
    running = serve(
      ['--policy', 'slow.yaml', '--run-now', '--budget', '10m'],
      emulatorEnv(emulator),
      dir,
    );

    await running.until('a skipped tick', () =>
      running!.stderr().includes('skipped, the previous run is still in flight'),
    );
    running.child.kill('SIGTERM');
    const code = await running.exited;

    expect(code).toBe(0);
    const [health] = running.healthLines();
    expect(health).toMatchObject({ policy: 'slow', interrupted: true });
    expect(running.healthLines()).toHaveLength(1);
    const [record] = await runRecords(dir, 'slow.jsonl');
    expect(record?.runId).toBe(health?.runId);
    // Copies the run had started were answered and recorded, none left half-sent.
    const copyCalls = emulator.admin.calls({ action: 'CopySnapshot' });
    expect(health?.totals.started).toBe(copyCalls.length);
    // ...and no copy was started after the signal.
    expect(health?.totals.started).toBeLessThan(4);
  });

  it('exits 2 and schedules nothing when one of the policies is invalid', async () => {
    await writePolicy(dir, 'a.yaml', policy('policy-a'));
    await writePolicy(dir, 'bad.yaml', policy('policy-b', { schedule: '0 0 2 * *' }));
    const { io, stdout, stderr } = captureIo(emulatorEnv(emulator), dir);

    const code = await main(
      ['node', 'dr-replicator', 'serve', '--policy', 'a.yaml', 'bad.yaml'],
      io,
    );

    expect(code).toBe(2);
    expect(stderr()).toMatch(/6 fields/);
    expect(stdout()).toBe('');
    expect(emulator.admin.calls()).toEqual([]);
  });

  it('exits 2 when two files define the same policy name', async () => {
    await writePolicy(dir, 'a.yaml', policy('same'));
    await writePolicy(dir, 'b.yaml', policy('same'));
    const { io, stderr } = captureIo(emulatorEnv(emulator), dir);

    const code = await main(['node', 'dr-replicator', 'serve', '--policy', 'a.yaml', 'b.yaml'], io);

    expect(code).toBe(2);
    expect(stderr()).toContain('DuplicatePolicyName');
  });
});
