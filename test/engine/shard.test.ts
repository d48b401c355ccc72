import { afterEach, describe, expect, it } from 'vitest';
import { type Bed, copiesIn, duplicatedSources, policy, run, startBed } from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

describe('runPolicy: shards', () => {
  const p = () =>
    policy({
      source: { regions: ['cn-hangzhou', 'cn-shanghai'], lookbackHours: 48 },
      destinations: [{ region: 'cn-beijing' }, { region: 'ap-southeast-1' }],
    });

  it('touches only the shard’s source regions and destinations', async () => {
    bed = await startBed({
      regions: ['cn-hangzhou', 'cn-shanghai'],
      disksPerRegion: 2,
      snapshotsPerDisk: 1,
    });

    const result = await run(bed, p(), {
      shard: { sourceRegions: ['cn-shanghai'], destRegions: ['ap-southeast-1'] },
    });

    expect(new Set(result.items.map((i) => `${i.sourceRegion}>${i.destRegion}`))).toEqual(
      new Set(['cn-shanghai>ap-southeast-1']),
    );
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(0);
    expect(bed.emu.admin.calls({ region: 'cn-hangzhou' })).toHaveLength(0);
  });

  it('lets disjoint shards run side by side without writing the same pair twice', async () => {
    bed = await startBed({
      regions: ['cn-hangzhou', 'cn-shanghai'],
      disksPerRegion: 3,
      snapshotsPerDisk: 1,
    });
    const shards = [
      { sourceRegions: ['cn-hangzhou'] },
      { sourceRegions: ['cn-shanghai'], destRegions: ['cn-beijing'] },
      { sourceRegions: ['cn-shanghai'], destRegions: ['ap-southeast-1'] },
    ];

    const results = await Promise.all(shards.map((shard) => run(bed as Bed, p(), { shard })));

    const pairs = results.flatMap((r) =>
      r.items.map((i) => `${i.sourceSnapshotId}>${i.destRegion}`),
    );
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs).toHaveLength(12);
    for (const region of ['cn-beijing', 'ap-southeast-1']) {
      expect(duplicatedSources(bed, region)).toEqual([]);
      expect(copiesIn(bed, region)).toHaveLength(6);
    }
  });
});
