import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyWorld, type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { main } from '../../lib/cli/main.ts';
import { toJsonLines } from '../../lib/cloud/sinks.ts';
import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import type { LogRecord } from '../../lib/records/types.ts';
import { captureIo, emulatorEnv, writePolicy } from '../ops/cli-harness.ts';
import { ago, HOUR, POLICY, run } from '../ops/fixtures.ts';
import { startReceiver } from '../ops/receiver.ts';

/** d-db's only copy in cn-beijing is 30 h old against a 24 h RPO: a standing breach. */
function breachedWorld() {
  const world = emptyWorld();
  world.disks.push({ diskId: 'd-db', regionId: 'cn-hangzhou', type: 'data', sizeGiB: 100 });
  world.snapshots.push({
    snapshotId: 's-bj-db',
    regionId: 'cn-beijing',
    diskId: 'd-db',
    creationTime: ago(30 * HOUR),
    snapshotType: 'user',
    sourceSnapshotId: 's-src',
    sourceRegionId: 'cn-hangzhou',
    tags: {
      [PROVENANCE_TAG_KEYS.policy]: POLICY,
      [PROVENANCE_TAG_KEYS.sourceSnapshot]: 's-src',
      [PROVENANCE_TAG_KEYS.sourceRegion]: 'cn-hangzhou',
      [PROVENANCE_TAG_KEYS.sourceDisk]: 'd-db',
    },
  });
  return world;
}

describe('dr-replicator status: a standing breach is alerted once per interval', () => {
  let emulator: RunningEmulator;
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    emulator = await startEmulator({ world: breachedWorld() });
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dr-renotify-'));
    receiver = await startReceiver();
    await writeFile(
      join(dir, 'records.jsonl'),
      toJsonLines([run({ runId: 'run-1', finishedAt: ago(600_000), time: ago(600_000) })]),
    );
    return async () => {
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    };
  });

  async function status(...args: string[]) {
    const file = await writePolicy(dir, 'policy.yaml', {
      name: POLICY,
      schedule: '0 0 * * * *',
      source: { regions: ['cn-hangzhou'] },
      destinations: [{ region: 'cn-beijing', rpoHours: 24 }],
      log: { type: 'file', path: 'records.jsonl' },
      alerts: { webhook: { url: receiver.url } },
    });
    const { io, stderr } = captureIo(emulatorEnv(emulator), dir);
    const code = await main(['node', 'dr-replicator', 'status', '--policy', file, ...args], io);
    return { code, stderr: stderr() };
  }

  async function alertRecords(): Promise<LogRecord[]> {
    const text = await readFile(join(dir, 'records.jsonl'), 'utf8');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogRecord)
      .filter((r) => r.kind === 'alert');
  }

  it('records and posts the breach once; the next status says it is already alerted', async () => {
    expect((await status()).code).toBe(1);
    expect(await alertRecords()).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);

    const second = await status();

    expect(second.code).toBe(1);
    expect(await alertRecords()).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
    expect(second.stderr).toMatch(/1 alert\(s\) already recorded within 1d: not repeated/);
  });

  it('posts it again when the last one is older than --renotify', async () => {
    await status();
    expect(receiver.received).toHaveLength(1);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await status('--renotify', '1s');

    expect(await alertRecords()).toHaveLength(2);
    expect(receiver.received).toHaveLength(2);
  });
});
