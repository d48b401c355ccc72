import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  emptyWorld,
  type RunningEmulator,
  startEmulator,
  type World,
  type WorldSnapshot,
} from '../../emulator/index.ts';
import { main } from '../../lib/cli/main.ts';
import { toJsonLines } from '../../lib/cloud/sinks.ts';
import { createSlsReader, createSlsSink } from '../../lib/cloud/sls.ts';
import type { StatusReport } from '../../lib/ops/status-model.ts';
import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import type { PolicyInput } from '../../lib/policy/schema.ts';
import type { LogRecord } from '../../lib/records/types.ts';
import { captureIo, emulatorEnv, writePolicy } from '../ops/cli-harness.ts';
import { ago, HOUR, item, POLICY, run } from '../ops/fixtures.ts';
import { startReceiver } from '../ops/receiver.ts';

/** A copy of a cn-hangzhou disk sitting in a destination, as the engine would have left it. */
function copyIn(
  region: string,
  id: string,
  disk: string,
  fields: Partial<WorldSnapshot>,
): WorldSnapshot {
  return {
    snapshotId: id,
    regionId: region,
    diskId: disk,
    creationTime: ago(HOUR),
    snapshotType: 'user',
    sourceSnapshotId: `s-src-${id}`,
    sourceRegionId: 'cn-hangzhou',
    tags: {
      [PROVENANCE_TAG_KEYS.policy]: POLICY,
      [PROVENANCE_TAG_KEYS.sourceSnapshot]: `s-src-${id}`,
      [PROVENANCE_TAG_KEYS.sourceRegion]: 'cn-hangzhou',
      [PROVENANCE_TAG_KEYS.sourceDisk]: disk,
    },
    ...fields,
  };
}

/**
 * d-web: fresh in both destinations. d-db: fresh in cn-shanghai, 30 h old in cn-beijing
 * (RPO 24 h) with a newer copy still in flight there. A copy of another policy is ignored.
 */
function statusWorld(): World {
  const world = emptyWorld();
  world.disks.push(
    { diskId: 'd-web', regionId: 'cn-hangzhou', type: 'data', sizeGiB: 40 },
    { diskId: 'd-db', regionId: 'cn-hangzhou', type: 'data', sizeGiB: 100 },
  );
  world.snapshots.push(
    copyIn('cn-shanghai', 's-sh-web', 'd-web', { creationTime: ago(2 * HOUR) }),
    copyIn('cn-beijing', 's-bj-web', 'd-web', { creationTime: ago(3 * HOUR) }),
    copyIn('cn-shanghai', 's-sh-db', 'd-db', { creationTime: ago(4 * HOUR) }),
    copyIn('cn-beijing', 's-bj-db-old', 'd-db', { creationTime: ago(30 * HOUR) }),
    copyIn('cn-beijing', 's-bj-db-new', 'd-db', { status: 'progressing', progress: 35 }),
    copyIn('cn-beijing', 's-other', 'd-web', {
      creationTime: ago(100 * HOUR),
      tags: {
        [PROVENANCE_TAG_KEYS.policy]: 'another-policy',
        [PROVENANCE_TAG_KEYS.sourceDisk]: 'd-zzz',
      },
    }),
  );
  return world;
}

function policy(fields: Partial<PolicyInput> = {}): PolicyInput {
  return {
    name: POLICY,
    schedule: '0 0 * * * *',
    source: { regions: ['cn-hangzhou'] },
    destinations: [
      { region: 'cn-shanghai', rpoHours: 24 },
      { region: 'cn-beijing', rpoHours: 24 },
    ],
    log: { type: 'file', path: 'records.jsonl' },
    ...fields,
  };
}

let emulator: RunningEmulator;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emulator = await startEmulator({ world: statusWorld() });
  env = emulatorEnv(emulator);
});
afterAll(async () => {
  await emulator.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dr-status-'));
  return () => rm(dir, { recursive: true, force: true });
});

async function writeRecords(records: LogRecord[]): Promise<void> {
  await writeFile(join(dir, 'records.jsonl'), toJsonLines(records), 'utf8');
}

async function status(args: string[]) {
  const { io, stdout, stderr } = captureIo(env, dir);
  const code = await main(['node', 'dr-replicator', 'status', ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

async function readRecords(): Promise<LogRecord[]> {
  const text = await readFile(join(dir, 'records.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogRecord);
}

describe('dr-replicator status', () => {
  it('reports each disk x destination from the destination listing and exits 1 on a breach', async () => {
    await writeRecords([
      run({ runId: 'run-1', finishedAt: ago(20 * 60_000), time: ago(20 * 60_000) }),
      item({
        diskId: 'd-db',
        destRegion: 'cn-beijing',
        outcome: 'failed',
        errorCode: 'InvalidOperation.UnfinishedCrossRegionCopy',
        time: ago(30 * 60_000),
      }),
    ]);
    const file = await writePolicy(dir, 'policy.yaml', policy());

    const { code, stdout } = await status(['--policy', file, '--output', 'json', '--no-alerts']);

    expect(code).toBe(1);
    const report = JSON.parse(stdout) as StatusReport;
    const states = Object.fromEntries(
      report.cells.map((c) => [`${c.diskId}>${c.destRegion}`, c.state]),
    );
    expect(states).toEqual({
      'd-db>cn-shanghai': 'healthy',
      'd-db>cn-beijing': 'breached',
      'd-web>cn-shanghai': 'healthy',
      'd-web>cn-beijing': 'healthy',
    });
    const dbBeijing = report.cells.find(
      (c) => c.diskId === 'd-db' && c.destRegion === 'cn-beijing',
    );
    expect(dbBeijing?.newestCopy?.snapshotId).toBe('s-bj-db-old');
    expect(dbBeijing?.inFlight.map((c) => [c.snapshotId, c.progress])).toEqual([
      ['s-bj-db-new', 35],
    ]);
    expect(dbBeijing?.lastFailure?.errorCode).toBe('InvalidOperation.UnfinishedCrossRegionCopy');
    expect(report.heartbeat.state).toBe('ok');
    expect(report.runs.map((r) => r.runId)).toEqual(['run-1']);
  });

  it('exits 0 when every cell is within the RPO and a run came in time', async () => {
    await writeRecords([
      run({ runId: 'run-1', finishedAt: ago(10 * 60_000), time: ago(10 * 60_000) }),
    ]);
    const file = await writePolicy(
      dir,
      'policy.yaml',
      policy({ destinations: [{ region: 'cn-shanghai', rpoHours: 24 }] }),
    );

    const { code, stdout } = await status(['--policy', file]);

    expect(code).toBe(0);
    expect(stdout).toMatch(/d-web\s+cn-hangzhou\s+cn-shanghai\s+healthy\s+s-sh-web/);
    expect(stdout).toContain('OK: every disk is within its RPO');
  });

  it('exits 1 and writes a heartbeat-missed alert when no run came within twice the schedule', async () => {
    // Hourly schedule, newest run 3 h ago.
    await writeRecords([run({ runId: 'run-old', finishedAt: ago(3 * HOUR), time: ago(3 * HOUR) })]);
    const file = await writePolicy(
      dir,
      'policy.yaml',
      policy({ destinations: [{ region: 'cn-shanghai', rpoHours: 24 }] }),
    );

    const { code, stdout } = await status(['--policy', file]);

    expect(code).toBe(1);
    expect(stdout).toContain('heartbeat: missed');
    const alerts = (await readRecords()).filter((r) => r.kind === 'alert');
    expect(alerts).toEqual([
      expect.objectContaining({ alert: 'heartbeat-missed', policy: POLICY }),
    ]);
  });

  it('writes one rpo-breach alert per breached cell to the log store and posts it to the webhook', async () => {
    const receiver = await startReceiver();
    try {
      await writeRecords([
        run({ runId: 'run-1', finishedAt: ago(10 * 60_000), time: ago(10 * 60_000) }),
      ]);
      const secret = 'SEC-status-test-secret';
      const file = await writePolicy(
        dir,
        'policy.yaml',
        policy({ alerts: { webhook: { url: receiver.url, secret } } }),
      );

      const { code, stderr } = await status(['--policy', file]);

      expect(code).toBe(1);
      const alerts = (await readRecords()).filter((r) => r.kind === 'alert');
      expect(alerts).toEqual([
        expect.objectContaining({
          alert: 'rpo-breach',
          diskId: 'd-db',
          destRegion: 'cn-beijing',
          sourceRegion: 'cn-hangzhou',
        }),
      ]);
      expect(receiver.received).toHaveLength(1);
      const body = receiver.received[0]!.body;
      expect(JSON.parse(body).markdown.text).toContain('d-db from cn-hangzhou to cn-beijing');
      expect(receiver.received[0]!.url.searchParams.get('sign')).toBeTruthy();
      expect(body + stderr).not.toContain(secret);
    } finally {
      await receiver.close();
    }
  });

  it('writes the page with --output html to --out and prints no data on stdout', async () => {
    await writeRecords([
      run({ runId: 'run-1', finishedAt: ago(10 * 60_000), time: ago(10 * 60_000) }),
    ]);
    const file = await writePolicy(dir, 'policy.yaml', policy());

    const { code, stdout, stderr } = await status([
      '--policy',
      file,
      '--output',
      'html',
      '--out',
      'page.html',
      '--no-alerts',
    ]);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(join(dir, 'page.html'));
    const html = await readFile(join(dir, 'page.html'), 'utf8');
    expect(html).toContain('class="cell breached"');
    expect((await stat(join(dir, 'page.html'))).size).toBeGreaterThan(1000);
  });

  it('reads runs and failures back from an SLS logstore and writes its alerts there', async () => {
    const log = {
      type: 'sls',
      project: 'dr-logs',
      logstore: 'replicator',
      region: 'cn-hangzhou',
    } as const;
    const sink = createSlsSink({
      ...log,
      credentials: emulator.credentials,
      endpoint: emulator.url,
    });
    await sink.write([
      run({ runId: 'run-sls', finishedAt: ago(5 * 60_000), time: ago(5 * 60_000) }),
      item({
        runId: 'run-sls',
        diskId: 'd-web',
        destRegion: 'cn-beijing',
        outcome: 'failed',
        errorCode: 'InvalidParameter.KMSKeyId.CMKNotEnabled',
        time: ago(5 * 60_000),
      }),
    ]);
    await sink.close();
    const file = await writePolicy(dir, 'policy.yaml', policy({ log }));

    const { code, stdout } = await status(['--policy', file, '--output', 'json']);

    const report = JSON.parse(stdout) as StatusReport;
    expect(report.heartbeat).toMatchObject({ state: 'ok', lastRunId: 'run-sls' });
    const webBeijing = report.cells.find(
      (c) => c.diskId === 'd-web' && c.destRegion === 'cn-beijing',
    );
    expect(webBeijing?.lastFailure?.errorCode).toBe('InvalidParameter.KMSKeyId.CMKNotEnabled');
    expect(code).toBe(1);
    const reader = createSlsReader({
      ...log,
      credentials: emulator.credentials,
      endpoint: emulator.url,
    });
    const alerts = await reader.query({
      from: new Date(Date.now() - HOUR),
      to: new Date(),
      query: 'kind: alert',
    });
    expect(alerts).toEqual([
      expect.objectContaining({ alert: 'rpo-breach', diskId: 'd-db', destRegion: 'cn-beijing' }),
    ]);
  });

  it('reports the heartbeat as unknown for a policy that logs to stdout', async () => {
    const file = await writePolicy(
      dir,
      'policy.yaml',
      policy({ log: { type: 'stdout' }, destinations: [{ region: 'cn-shanghai', rpoHours: 24 }] }),
    );
    const { code, stdout } = await status(['--policy', file, '--output', 'json']);
    expect(JSON.parse(stdout).heartbeat.state).toBe('unknown');
    expect(code).toBe(0);
  });

  it('exits 2 for an invalid policy', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'name: 1nvalid\n', 'utf8');
    const { code, stderr } = await status(['--policy', file]);
    expect(code).toBe(2);
    expect(stderr).not.toBe('');
  });

  it('exits 2 for an unknown --output format', async () => {
    const file = await writePolicy(dir, 'policy.yaml', policy());
    const { code } = await status(['--policy', file, '--output', 'pdf']);
    expect(code).toBe(2);
  });
});
