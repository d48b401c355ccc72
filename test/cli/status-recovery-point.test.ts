import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emptyWorld,
  type RunningEmulator,
  startEmulator,
  type World,
  type WorldSnapshot,
} from '../../emulator/index.ts';
import { main } from '../../lib/cli/main.ts';
import { toJsonLines } from '../../lib/cloud/sinks.ts';
import type { StatusCell, StatusReport } from '../../lib/ops/status-model.ts';
import { SNAPSHOT_IDS_PER_CALL } from '../../lib/ops/status-sources.ts';
import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import type { PolicyInput } from '../../lib/policy/schema.ts';
import { captureIo, emulatorEnv, writePolicy } from '../ops/cli-harness.ts';
import { ago, HOUR, POLICY, run } from '../ops/fixtures.ts';

/** A snapshot of a source disk, as the engine finds it in the source region. */
function source(region: string, id: string, disk: string, creationTime: string): WorldSnapshot {
  return { snapshotId: id, regionId: region, diskId: disk, creationTime, snapshotType: 'auto' };
}

/** A completed copy in a destination, tagged with its provenance as the engine writes it. */
function copyOf(
  dest: string,
  id: string,
  src: { region: string; snapshotId: string; disk: string },
  creationTime: string,
): WorldSnapshot {
  return {
    snapshotId: id,
    regionId: dest,
    diskId: src.disk,
    creationTime,
    snapshotType: 'user',
    sourceSnapshotId: src.snapshotId,
    sourceRegionId: src.region,
    tags: {
      [PROVENANCE_TAG_KEYS.policy]: POLICY,
      [PROVENANCE_TAG_KEYS.sourceSnapshot]: src.snapshotId,
      [PROVENANCE_TAG_KEYS.sourceRegion]: src.region,
      [PROVENANCE_TAG_KEYS.sourceDisk]: src.disk,
    },
  };
}

function policy(destinations: PolicyInput['destinations']): PolicyInput {
  return {
    name: POLICY,
    schedule: '0 0 * * * *',
    source: { regions: ['cn-hangzhou'] },
    destinations,
    log: { type: 'file', path: 'records.jsonl' },
  };
}

let dir: string;
// One temp dir for the file: the describes query their emulators in beforeAll, before any beforeEach.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dr-status-rp-'));
  await writeFile(
    join(dir, 'records.jsonl'),
    toJsonLines([run({ runId: 'run-1', finishedAt: ago(10 * 60_000) })]),
    'utf8',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function statusJson(emulator: RunningEmulator, input: PolicyInput): Promise<StatusReport> {
  const file = await writePolicy(dir, 'policy.yaml', input);
  const { io, stdout } = captureIo(emulatorEnv(emulator), dir);
  await main(
    ['node', 'dr-replicator', 'status', '--policy', file, '--output', 'json', '--no-alerts'],
    io,
  );
  return JSON.parse(stdout()) as StatusReport;
}

function cellOf(report: StatusReport, diskId: string): StatusCell {
  const cell = report.cells.find((c) => c.diskId === diskId);
  if (cell === undefined) throw new Error(`no cell for ${diskId}`);
  return cell;
}

describe('dr-replicator status: recovery point from the source snapshot', () => {
  const late = { region: 'cn-hangzhou', snapshotId: 's-late-src', disk: 'd-late' };
  const retryNew = { region: 'cn-hangzhou', snapshotId: 's-retry-new', disk: 'd-retry' };
  const retryOld = { region: 'cn-hangzhou', snapshotId: 's-retry-old', disk: 'd-retry' };
  const gone = { region: 'cn-hangzhou', snapshotId: 's-gone-src', disk: 'd-gone' };
  const times = {
    lateSource: ago(30 * HOUR),
    lateCopy: ago(HOUR),
    retryNewSource: ago(3 * HOUR),
    retryNewCopy: ago(2 * HOUR),
    goneCopy: ago(2 * HOUR),
  };
  let emulator: RunningEmulator;
  let report: StatusReport;

  beforeAll(async () => {
    const world = emptyWorld();
    for (const disk of ['d-late', 'd-retry', 'd-gone']) {
      world.disks.push({ diskId: disk, regionId: 'cn-hangzhou', type: 'data', sizeGiB: 40 });
    }
    world.snapshots.push(
      // A backlog copy made an hour ago of a snapshot taken 30 h ago: restores a 30 h old disk.
      source('cn-hangzhou', late.snapshotId, late.disk, times.lateSource),
      copyOf('cn-shanghai', 's-sh-late', late, times.lateCopy),
      // A late retry of an old snapshot, made after a copy of a newer one.
      source('cn-hangzhou', retryNew.snapshotId, retryNew.disk, times.retryNewSource),
      source('cn-hangzhou', retryOld.snapshotId, retryOld.disk, ago(40 * HOUR)),
      copyOf('cn-shanghai', 's-sh-retry-new', retryNew, times.retryNewCopy),
      copyOf('cn-shanghai', 's-sh-retry-old', retryOld, ago(HOUR)),
      // The source snapshot was deleted (retention) after it was copied.
      copyOf('cn-shanghai', 's-sh-gone', gone, times.goneCopy),
    );
    emulator = await startEmulator({ world });
    report = await statusJson(emulator, policy([{ region: 'cn-shanghai', rpoHours: 24 }]));
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('breaches a recent copy of a source snapshot older than the RPO', () => {
    const cell = cellOf(report, 'd-late');
    expect(cell.state).toBe('breached');
    expect(cell.newestCopy?.ageHours).toBeGreaterThan(24);
  });

  it('shows the recovery point and the copy time side by side', () => {
    const copy = cellOf(report, 'd-late').newestCopy;
    expect(copy?.recoveryPointFrom).toBe('source-snapshot');
    expect(Date.parse(copy?.recoveryPointTime ?? '')).toBe(Date.parse(times.lateSource));
    expect(Date.parse(copy?.copyTime ?? '')).toBe(Date.parse(times.lateCopy));
  });

  it('takes the copy with the newest recovery point, not the newest-made copy', () => {
    const cell = cellOf(report, 'd-retry');
    expect(cell.newestCopy?.snapshotId).toBe('s-sh-retry-new');
    expect(Date.parse(cell.newestCopy?.recoveryPointTime ?? '')).toBe(
      Date.parse(times.retryNewSource),
    );
    expect(cell.state).toBe('healthy');
  });

  it('falls back to the copy time when the source snapshot is gone, and says so', () => {
    const copy = cellOf(report, 'd-gone').newestCopy;
    expect(copy?.recoveryPointFrom).toBe('copy-time');
    expect(Date.parse(copy?.recoveryPointTime ?? '')).toBe(Date.parse(times.goneCopy));
    expect(copy?.recoveryPointNote).toContain('s-gone-src');
  });

  it('marks a copy-time recovery point in the text table', async () => {
    const file = await writePolicy(
      dir,
      'policy.yaml',
      policy([{ region: 'cn-shanghai', rpoHours: 24 }]),
    );
    const { io, stdout } = captureIo(emulatorEnv(emulator), dir);
    await main(['node', 'dr-replicator', 'status', '--policy', file, '--no-alerts'], io);
    const row = stdout()
      .split('\n')
      .find((l) => l.startsWith('d-gone '));
    expect(row).toMatch(/\(copy time\)$/);
  });
});

describe('dr-replicator status: source snapshot lookup', () => {
  const HANGZHOU_DISKS = 150;
  const QINGDAO_DISKS = 3;
  let emulator: RunningEmulator;

  /** Every disk copied to both destinations: one source snapshot each, looked up once. */
  function fleet(): World {
    const world = emptyWorld();
    const regions = [
      ['cn-hangzhou', HANGZHOU_DISKS],
      ['cn-qingdao', QINGDAO_DISKS],
    ] as const;
    for (const [region, count] of regions) {
      for (let i = 0; i < count; i += 1) {
        const disk = `d-${region}-${i}`;
        const src = { region, snapshotId: `s-${region}-${i}`, disk };
        world.disks.push({ diskId: disk, regionId: region, type: 'data', sizeGiB: 20 });
        world.snapshots.push(
          source(region, src.snapshotId, disk, ago(3 * HOUR)),
          copyOf('cn-shanghai', `s-sh-${region}-${i}`, src, ago(2 * HOUR)),
          copyOf('cn-beijing', `s-bj-${region}-${i}`, src, ago(2 * HOUR)),
        );
      }
    }
    return world;
  }

  beforeAll(async () => {
    emulator = await startEmulator({ world: fleet() });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('asks each source region for its snapshots in batches of 100 ids', async () => {
    const report = await statusJson(
      emulator,
      policy([
        { region: 'cn-shanghai', rpoHours: 24 },
        { region: 'cn-beijing', rpoHours: 24 },
      ]),
    );
    const lookups = emulator.admin
      .calls({ action: 'DescribeSnapshots' })
      .filter((c) => c.params.SnapshotIds !== undefined);
    const perRegion = (region: string) => lookups.filter((c) => c.params.RegionId === region);

    expect(perRegion('cn-hangzhou')).toHaveLength(
      Math.ceil(HANGZHOU_DISKS / SNAPSHOT_IDS_PER_CALL),
    );
    expect(perRegion('cn-qingdao')).toHaveLength(Math.ceil(QINGDAO_DISKS / SNAPSHOT_IDS_PER_CALL));
    expect(lookups).toHaveLength(perRegion('cn-hangzhou').length + perRegion('cn-qingdao').length);
    expect(report.cells.every((c) => c.newestCopy?.recoveryPointFrom === 'source-snapshot')).toBe(
      true,
    );
  });
});
