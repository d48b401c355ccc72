import { afterEach, describe, expect, it } from 'vitest';
import { syntheticWorld, type World } from '../../emulator/index.ts';
import { planPolicy } from '../../lib/engine/run.ts';
import type { PolicyInput } from '../../lib/policy/schema.ts';
import type { CloudClients } from '../../lib/ports.ts';
import { type Bed, policy, run, startBed, T0 } from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

/** 4 disks × 3 daily snapshots in cn-hangzhou; half the disks tagged dr=true. */
function world(): World {
  return syntheticWorld({
    regions: ['cn-hangzhou'],
    disksPerRegion: 4,
    snapshotsPerDisk: 3,
    now: T0,
    tagged: { dr: 'true' },
    taggedFraction: 0.5,
    seed: 3,
  });
}

async function plannedSources(select: PolicyInput['source']) {
  if (!bed) throw new Error('no bed');
  const plan = await planPolicy({
    policy: policy({ source: select }),
    cloud: bed.cloud,
    now: bed.now,
  });
  return new Set(plan.items.map((i) => i.sourceSnapshotId));
}

describe('discover (through planPolicy)', () => {
  it('considers only snapshots inside the lookback window, filtered by the service', async () => {
    bed = await startBed();
    const w = world();
    bed.emu.admin.loadWorld(w);

    const planned = await plannedSources({ regions: ['cn-hangzhou'], lookbackHours: 30 });

    const cutoff = T0.getTime() - 30 * 3_600_000;
    const expected = w.snapshots
      .filter((s) => Date.parse(s.creationTime) >= cutoff)
      .map((s) => s.snapshotId);
    expect(planned).toEqual(new Set(expected));
    const filter = bed.emu.admin.calls({ action: 'DescribeSnapshots', region: 'cn-hangzhou' })[0]
      ?.params;
    expect(filter).toMatchObject({
      'Filter.1.Key': 'CreationStartTime',
      'Filter.1.Value': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/),
      Status: 'accomplished',
      MaxResults: '100',
    });
  });

  it('selects by tag: exactly the tagged snapshots, whichever listing route is cheapest', async () => {
    bed = await startBed();
    const w = world();
    bed.emu.admin.loadWorld(w);

    const planned = await plannedSources({
      regions: ['cn-hangzhou'],
      select: { tags: { dr: 'true' } },
      lookbackHours: 100,
    });

    const tagged = w.snapshots.filter((s) => s.tags?.dr === 'true').map((s) => s.snapshotId);
    expect(tagged.length).toBeGreaterThan(0);
    expect(planned).toEqual(new Set(tagged));
  });

  it('selects by disk id, one query per disk', async () => {
    bed = await startBed();
    const w = world();
    bed.emu.admin.loadWorld(w);
    const disks = w.disks.slice(0, 2).map((d) => d.diskId);

    const planned = await plannedSources({
      regions: ['cn-hangzhou'],
      select: { diskIds: disks },
      lookbackHours: 100,
    });

    const expected = w.snapshots.filter((s) => disks.includes(s.diskId)).map((s) => s.snapshotId);
    expect(planned).toEqual(new Set(expected));
    const asked = bed.emu.admin.calls({ action: 'DescribeSnapshots', region: 'cn-hangzhou' });
    expect(asked.map((c) => c.params.DiskId).sort()).toEqual([...disks].sort());
  });

  it('filters by name pattern on the client', async () => {
    bed = await startBed();
    const w = world();
    const first = w.snapshots[0];
    if (!first) throw new Error('empty world');
    first.name = 'nightly-db';
    bed.emu.admin.loadWorld(w);

    const planned = await plannedSources({
      regions: ['cn-hangzhou'],
      select: { namePattern: '^nightly-' },
      lookbackHours: 100,
    });

    expect(planned).toEqual(new Set([first.snapshotId]));
  });

  it('follows NextToken across pages', async () => {
    bed = await startBed({ disksPerRegion: 130, snapshotsPerDisk: 1 });

    const planned = await plannedSources({ regions: ['cn-hangzhou'], lookbackHours: 100 });

    expect(planned.size).toBe(130);
    expect(
      bed.emu.admin.calls({ action: 'DescribeSnapshots', region: 'cn-hangzhou' }),
    ).toHaveLength(2);
  });

  it('stops listing a region whose service hands back a NextToken it already gave', async () => {
    bed = await startBed({ disksPerRegion: 250, snapshotsPerDisk: 1 });
    const real = bed.cloud;
    // The real client and emulator, except that every later page echoes the token asked with:
    // a service-side cursor bug that would otherwise list the same page until FC kills the run.
    const looping: CloudClients = {
      ...real,
      ecs: {
        ...real.ecs,
        describeSnapshots: async (query, token) => {
          const page = await real.ecs.describeSnapshots(query, token);
          return token && page.nextToken ? { ...page, nextToken: token } : page;
        },
      },
    };

    const ran = await run(bed, policy(), { cloud: looping });

    const source = ran.records.find((r) => r.kind === 'alert' && r.alert === 'source-unavailable');
    expect(source).toMatchObject({ sourceRegion: 'cn-hangzhou', errorCode: 'NextTokenLoop' });
    expect(ran.summary.exitCode).toBe(1);
    expect(bed.emu.admin.calls({ action: 'CopySnapshot' })).toHaveLength(0);
  });

  it('skips snapshots of a category that cannot be copied, with the reason', async () => {
    bed = await startBed();
    const w = world();
    const archived = w.snapshots[0];
    if (!archived) throw new Error('empty world');
    archived.category = 'archive';
    bed.emu.admin.loadWorld(w);

    const result = await run(
      bed,
      policy({ source: { regions: ['cn-hangzhou'], lookbackHours: 100 } }),
    );

    expect(result.items.find((i) => i.sourceSnapshotId === archived.snapshotId)).toMatchObject({
      outcome: 'skipped',
      errorCode: 'UncopyableCategory',
      message: expect.stringContaining('archive'),
    });
    expect(
      bed.emu.admin
        .calls({ action: 'CopySnapshot' })
        .some((c) => c.params.SnapshotId === archived.snapshotId),
    ).toBe(false);
  });
});
