import { afterEach, describe, expect, it } from 'vitest';
import { syntheticWorld, type World, type WorldSnapshot } from '../../emulator/index.ts';
import { planPolicy } from '../../lib/engine/run.ts';
import { collectStatus } from '../../lib/ops/status-collect.ts';
import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import { AlertKind } from '../../lib/records/types.ts';
import {
  type Bed,
  copiesIn,
  duplicatedSources,
  finishCopies,
  policy,
  run,
  startBed,
  T0,
} from './support/harness.ts';

/**
 * ECS documents that a DescribeSnapshots query filtered by Tag.N shows at most 1,000 snapshots
 * (the emulator models it). Discovery, reconcile, prune and status must see every snapshot
 * whatever the count: just below, at and just past the cap, and well past it.
 */

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

const SOURCE = 'cn-hangzhou';
const DEST = 'cn-beijing';
const UNLIMITED = {
  CopySnapshot: 100_000,
  DescribeSnapshots: 100_000,
  TagResources: 100_000,
  ListTagResources: 100_000,
  DeleteSnapshot: 100_000,
  DescribeKey: 100_000,
};

function tagged(disks: number, untagged = 0): World {
  const dr = syntheticWorld({
    regions: [SOURCE],
    disksPerRegion: disks,
    snapshotsPerDisk: 1,
    now: T0,
    destinations: [DEST],
    tagged: { dr: 'true' },
  });
  if (untagged === 0) return dr;
  const other = syntheticWorld({
    regions: [SOURCE],
    disksPerRegion: untagged,
    snapshotsPerDisk: 1,
    now: T0,
    destinations: [DEST],
    seed: 99,
  });
  // Untagged snapshots taken a little later: the newest page (the probe) holds none of ours.
  const later = other.snapshots.map((s) => ({
    ...s,
    creationTime: new Date(Date.parse(s.creationTime) + 600_000).toISOString(),
  }));
  return { ...dr, disks: [...dr.disks, ...other.disks], snapshots: [...dr.snapshots, ...later] };
}

function drPolicy(extra: { keepLast?: number; copyMode?: 'all' | 'latest' } = {}) {
  return policy({
    source: {
      regions: [SOURCE],
      select: { tags: { dr: 'true' } },
      lookbackHours: 24 * 7,
      copyMode: extra.copyMode ?? 'latest',
    },
    destinations: [
      {
        region: DEST,
        maxConcurrentCopies: 50,
        rpoHours: 72,
        ...(extra.keepLast ? { keepLast: extra.keepLast } : {}),
      },
    ],
    limits: { requestsPerMinute: UNLIMITED, maxDeletesPerRun: 100_000 },
  });
}

async function bedWith(world: World): Promise<Bed> {
  const b = await startBed();
  b.emu.admin.loadWorld(world);
  // The emulator's quota runs on its virtual clock, which stands still here.
  b.emu.admin.clearThrottle('CopySnapshot');
  return b;
}

describe.each([999, 1_000, 1_001, 2_500])('%i DR-tagged sources, one destination', (count) => {
  it('copies every source exactly once, and status shows every disk', async () => {
    bed = await bedWith(tagged(count));
    const p = drPolicy();

    const first = await run(bed, p);
    finishCopies(bed);
    const second = await run(bed, p);

    expect(first.summary.totals.started).toBe(count);
    expect(copiesIn(bed, DEST)).toHaveLength(count);
    expect(duplicatedSources(bed, DEST)).toEqual([]);
    // A retry after a client timeout replays its ClientToken: count requests, not attempts.
    const sent = bed.emu.admin.calls({ action: 'CopySnapshot' });
    expect(new Set(sent.map((c) => c.params.ClientToken)).size).toBe(count);
    expect(second.summary.totals.completed).toBe(count);
    expect(second.summary.totals.started).toBe(0);
    expect(second.summary.exitCode).toBe(0);
    expect(second.records.filter((r) => r.kind === 'alert')).toEqual([]);

    const report = await collectStatus({
      policy: p,
      cloud: bed.cloud,
      records: undefined,
      now: bed.now(),
    });
    expect(report.summary.cells).toBe(count);
    expect(report.summary.healthy).toBe(count);
  });
});

describe('listing past the cap at 10,000', () => {
  it('plans a copy of each of 10,000 tagged sources, once', async () => {
    bed = await bedWith(tagged(10_000));
    const plan = await planPolicy({ policy: drPolicy(), cloud: bed.cloud, now: bed.now });
    const copies = plan.items.filter((i) => i.action === 'copy');
    expect(copies).toHaveLength(10_000);
    expect(new Set(copies.map((i) => i.sourceSnapshotId)).size).toBe(10_000);
  });

  it('sees 10,000 existing copies in the destination: nothing to copy, status shows 10,000 cells', async () => {
    const world = tagged(10_000);
    world.snapshots.push(...copiesOf(world.snapshots, { reported: true }));
    bed = await bedWith(world);
    const p = drPolicy();

    const ran = await run(bed, p);
    const report = await collectStatus({
      policy: p,
      cloud: bed.cloud,
      records: undefined,
      now: bed.now(),
    });

    expect(ran.summary.totals['already-copied']).toBe(10_000);
    expect(bed.emu.admin.calls({ action: 'CopySnapshot' })).toHaveLength(0);
    expect(report.summary.cells).toBe(10_000);
  });
});

/** Completed, reported copies of `sources` in DEST, as this product makes them. */
function copiesOf(
  sources: readonly WorldSnapshot[],
  options: { reported?: boolean; ageHours?: number; idPrefix?: string } = {},
): WorldSnapshot[] {
  return sources.map((s, i) => {
    const made = Date.parse(s.creationTime) + 3_600_000;
    return {
      snapshotId: `${options.idPrefix ?? 's-copy'}${i}`,
      regionId: DEST,
      diskId: s.diskId,
      creationTime: new Date(made).toISOString(),
      status: 'accomplished' as const,
      sourceSnapshotId: s.snapshotId,
      sourceRegionId: SOURCE,
      tags: {
        [PROVENANCE_TAG_KEYS.policy]: 'dr-test',
        [PROVENANCE_TAG_KEYS.sourceSnapshot]: s.snapshotId,
        [PROVENANCE_TAG_KEYS.sourceRegion]: SOURCE,
        [PROVENANCE_TAG_KEYS.sourceDisk]: s.diskId,
        [PROVENANCE_TAG_KEYS.sourceTime]: s.creationTime.replace(/\.\d{3}Z$/, 'Z'),
        ...(options.reported ? { 'dr-replicator:reported': 'completed' } : {}),
      },
    };
  });
}

describe('pruning when the destination holds more than 1,000 of the policy copies', () => {
  /** 1,200 disks: each has a new source (copied, reported) and an older copy whose source is gone. */
  function worldWithOldCopies(): { world: World; newest: Set<string>; old: Set<string> } {
    const world = tagged(1_200);
    const current = copiesOf(world.snapshots, { reported: true });
    const gone = world.snapshots.map((s) => ({
      ...s,
      snapshotId: `s-gone-${s.snapshotId}`,
      creationTime: new Date(Date.parse(s.creationTime) - 3 * 86_400_000).toISOString(),
    }));
    const older = copiesOf(gone, { reported: true, idPrefix: 's-oldcopy' });
    world.snapshots.push(...current, ...older);
    return {
      world,
      newest: new Set(current.map((c) => c.snapshotId)),
      old: new Set(older.map((c) => c.snapshotId)),
    };
  }

  it('deletes exactly the 1,200 older copies and none of the newest (keepLast 1)', async () => {
    const { world, newest, old } = worldWithOldCopies();
    bed = await bedWith(world);

    const ran = await run(bed, drPolicy({ keepLast: 1 }));

    const deleted = bed.emu.admin
      .calls({ action: 'DeleteSnapshot' })
      .filter((c) => c.code === 'OK')
      .map((c) => c.params.SnapshotId ?? '');
    expect(deleted).toHaveLength(1_200);
    expect(deleted.every((id) => old.has(id))).toBe(true);
    expect(copiesIn(bed, DEST).filter((c) => newest.has(c.snapshotId))).toHaveLength(1_200);
    expect(ran.summary.exitCode).toBe(0);
  });

  it('prunes nothing, alerts listing-incomplete and exits 1 when a listing may be truncated', async () => {
    const { world } = worldWithOldCopies();
    bed = await bedWith(world);

    const ran = await run(bed, drPolicy({ keepLast: 1 }), {
      tuning: { listing: { tagQueryOnly: true } },
    });

    expect(bed.emu.admin.calls({ action: 'DeleteSnapshot' })).toHaveLength(0);
    const alerts = ran.records.filter(
      (r) => r.kind === 'alert' && r.alert === AlertKind.ListingIncomplete,
    );
    expect(alerts.length).toBeGreaterThan(0);
    expect(ran.summary.exitCode).toBe(1);
  });
});

describe('listing routes', () => {
  it('takes the tag index (ListTagResources, then SnapshotIds by 100) when few snapshots match and more than 1,000 do', async () => {
    bed = await bedWith(tagged(1_500, 6_000));
    const plan = await planPolicy({ policy: drPolicy(), cloud: bed.cloud, now: bed.now });

    expect(plan.items.filter((i) => i.action === 'copy')).toHaveLength(1_500);
    expect(bed.emu.admin.calls({ action: 'ListTagResources' }).length).toBeGreaterThan(0);
    const byIds = bed.emu.admin
      .calls({ action: 'DescribeSnapshots' })
      .filter((c) => c.params.SnapshotIds !== undefined);
    expect(byIds).toHaveLength(15);
    for (const call of byIds) {
      expect(JSON.parse(call.params.SnapshotIds ?? '[]').length).toBeLessThanOrEqual(100);
    }
  });

  it('lists unfiltered, 100 a page, when most snapshots match: no call wasted', async () => {
    bed = await bedWith(tagged(2_500));
    await planPolicy({ policy: drPolicy(), cloud: bed.cloud, now: bed.now });
    const sourcePages = bed.emu.admin.calls({ action: 'DescribeSnapshots', region: SOURCE });
    expect(sourcePages).toHaveLength(25);
    expect(sourcePages.every((c) => c.params['Tag.1.Key'] === undefined)).toBe(true);
  });

  it('uses the tag query when few snapshots match and fewer than 1,000 do', async () => {
    bed = await bedWith(tagged(300, 3_000));
    const plan = await planPolicy({ policy: drPolicy(), cloud: bed.cloud, now: bed.now });
    expect(plan.items.filter((i) => i.action === 'copy')).toHaveLength(300);
    const sourcePages = bed.emu.admin.calls({ action: 'DescribeSnapshots', region: SOURCE });
    // One unfiltered probe page, then 3 pages of the tag query.
    expect(sourcePages).toHaveLength(4);
    expect(sourcePages.slice(1).every((c) => c.params['Tag.1.Key'] === 'dr')).toBe(true);
  });
});
