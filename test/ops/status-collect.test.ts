import { afterEach, describe, expect, it } from 'vitest';
import { syntheticWorld } from '../../emulator/index.ts';
import { collectStatus } from '../../lib/ops/status-collect.ts';
import {
  type Bed,
  FAST_RETRY,
  finishCopies,
  policy,
  run,
  startBed,
  T0,
} from '../engine/support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

describe('collectStatus', () => {
  it("rides out transient listing errors with the engine's limiter and retries", async () => {
    bed = await startBed();
    const p = policy();
    await run(bed, p);
    finishCopies(bed);
    await run(bed, p);
    // Every other DescribeSnapshots answer is a 503: raw calls would fail the status at once.
    bed.emu.admin.setFaults({ serviceUnavailableRate: 0.5, actions: ['DescribeSnapshots'] });

    for (let i = 0; i < 8; i++) {
      const report = await collectStatus({
        policy: p,
        cloud: bed.cloud,
        records: undefined,
        now: bed.now(),
        tuning: { retry: FAST_RETRY },
      });
      expect(report.summary.cells).toBe(3);
    }
    const failed = bed.emu.admin
      .calls({ action: 'DescribeSnapshots' })
      .filter((c) => c.code === 'ServiceUnavailable');
    expect(failed.length).toBeGreaterThan(0);
  });

  it('counts a snapshot with our tags but no SourceSnapshotId as no copy at all', async () => {
    const world = syntheticWorld({
      regions: ['cn-hangzhou'],
      disksPerRegion: 1,
      snapshotsPerDisk: 1,
      now: T0,
      destinations: ['cn-beijing'],
    });
    const disk = world.disks[0]?.diskId ?? '';
    // A hand-made snapshot in the destination carrying this policy's provenance tags.
    world.snapshots.push({
      snapshotId: 's-handmade',
      regionId: 'cn-beijing',
      diskId: 'd-other',
      creationTime: T0.toISOString(),
      tags: {
        'dr-replicator:policy': 'dr-test',
        'dr-replicator:source-disk': disk,
        'dr-replicator:source-region': 'cn-hangzhou',
        'dr-replicator:source-snapshot': 's-none',
      },
    });
    bed = await startBed();
    bed.emu.admin.loadWorld(world);

    const report = await collectStatus({
      policy: policy(),
      cloud: bed.cloud,
      records: undefined,
      now: bed.now(),
    });

    expect(report.cells.filter((c) => c.newestCopy !== undefined)).toEqual([]);
  });
});
