import { afterEach, describe, expect, it } from 'vitest';
import { planPolicy } from '../../lib/engine/run.ts';
import { type Bed, copiesIn, FAST_RETRY, policy, run, startBed } from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

describe('planPolicy', () => {
  it('lists every pair with its action and reason, and only reads', async () => {
    bed = await startBed({ disksPerRegion: 3, snapshotsPerDisk: 2 });
    const p = policy({
      destinations: [{ region: 'cn-beijing', encrypted: true, kmsKeyId: 'key-cn-beijing' }],
    });

    const plan = await planPolicy({ policy: p, cloud: bed.cloud, now: bed.now });

    expect(plan.items.map((i) => i.action).sort()).toEqual([
      'copy',
      'copy',
      'copy',
      'deferred',
      'deferred',
      'deferred',
    ]);
    expect(
      plan.items.filter((i) => i.action === 'copy').every((i) => i.clientToken && i.copyName),
    ).toBe(true);
    expect(plan.apiCalls.wouldMake).toEqual({ CopySnapshot: 3 });
    expect(plan.destinations).toEqual([{ region: 'cn-beijing', ok: true }]);
    const actions = new Set(bed.emu.admin.calls().map((c) => c.action));
    expect(actions).toEqual(new Set(['DescribeSnapshots', 'DescribeKey']));
    expect(plan.apiCalls.made).toEqual({ DescribeKey: 1, DescribeSnapshots: 2 });
  });

  it('serialises items with the plan fields only', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });

    const plan = await planPolicy({ policy: policy(), cloud: bed.cloud, now: bed.now });

    const [item] = JSON.parse(JSON.stringify(plan)).items;
    expect(Object.keys(item).sort()).toEqual(
      [
        'action',
        'clientToken',
        'copyName',
        'destRegion',
        'diskId',
        'reason',
        'sourceName',
        'sourceRegion',
        'sourceSnapshotId',
      ].sort(),
    );
  });

  it('reports a destination that fails preflight instead of planning copies to it', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    bed.emu.admin.setKeyState('cn-beijing', 'key-cn-beijing', 'PendingDeletion');

    const plan = await planPolicy({
      policy: policy({ destinations: [{ region: 'cn-beijing', kmsKeyId: 'key-cn-beijing' }] }),
      cloud: bed.cloud,
      now: bed.now,
    });

    expect(plan.destinations).toEqual([
      expect.objectContaining({ region: 'cn-beijing', ok: false, errorCode: 'KmsKeyNotEnabled' }),
    ]);
    expect(plan.items.map((i) => i.action)).toEqual(['deferred']);
  });

  it('reports a source region whose snapshots could not be listed instead of leaving it out', async () => {
    bed = await startBed({ regions: ['cn-hangzhou', 'cn-shanghai'], disksPerRegion: 1 });
    bed.emu.admin.setThrottle('DescribeSnapshots', {
      perMinute: 1,
      burst: 0,
      region: 'cn-shanghai',
    });
    const p = policy({
      source: { regions: ['cn-hangzhou', 'cn-shanghai'], lookbackHours: 24 * 30 },
      limits: { maxAttempts: 2 },
    });

    const plan = await planPolicy({
      policy: p,
      cloud: bed.cloud,
      now: bed.now,
      tuning: { retry: FAST_RETRY },
    });

    expect(plan.sources).toEqual([
      { region: 'cn-hangzhou', ok: true },
      expect.objectContaining({ region: 'cn-shanghai', ok: false, errorCode: 'Throttling.User' }),
    ]);
    expect(new Set(plan.items.map((i) => i.sourceRegion))).toEqual(new Set(['cn-hangzhou']));
  });
});

describe('runPolicy with dryRun', () => {
  it('records what would be copied without copying', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 1 });

    const result = await run(bed, policy(), { dryRun: true });

    expect(result.summary.dryRun).toBe(true);
    expect(result.items.map((i) => i.message)).toEqual([
      expect.stringMatching(/^dry run: would copy/),
      expect.stringMatching(/^dry run: would copy/),
    ]);
    expect(bed.emu.admin.calls({ action: 'CopySnapshot' })).toHaveLength(0);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(0);
  });
});
