import { afterEach, describe, expect, it } from 'vitest';
import { syntheticWorld, type World } from '../../emulator/index.ts';
import { collectStatus } from '../../lib/ops/status-collect.ts';
import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import type { PolicyInput } from '../../lib/policy/schema.ts';
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
 * "Never destroy or fake a recovery point": the operator situations that used to delete a
 * hand-made snapshot, delete the newest recovery point, never re-make a deleted copy, or skip
 * sources without a word.
 */

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

const SOURCE = 'cn-hangzhou';
const DEST = 'cn-beijing';
const DAY = 86_400;

function oneDisk(snapshotsPerDisk: number): World {
  return syntheticWorld({
    regions: [SOURCE],
    disksPerRegion: 1,
    snapshotsPerDisk,
    now: T0,
    destinations: [DEST],
  });
}

function pol(dest: Partial<PolicyInput['destinations'][number]>, copyMode: 'all' | 'latest') {
  return policy({
    source: { regions: [SOURCE], lookbackHours: 24 * 30, copyMode },
    destinations: [{ region: DEST, rpoHours: 48, ...dest }],
  });
}

/** Runs, finishing copies in between, until a run starts nothing new. */
async function settle(b: Bed, p: ReturnType<typeof pol>, max = 8) {
  for (let i = 0; i < max; i++) {
    const ran = await run(b, p);
    b.emu.admin.advanceClock(3600);
    if (ran.summary.totals.started === 0 && ran.summary.totals['re-copy'] === 0) return ran;
  }
  throw new Error('did not settle');
}

describe('prune never deletes what it did not copy', () => {
  it('keeps a hand-made snapshot that carries the policy and source-disk tags', async () => {
    const world = oneDisk(3);
    const disk = world.disks[0]?.diskId ?? '';
    world.snapshots.push({
      snapshotId: 's-handmade',
      regionId: DEST,
      diskId: 'd-operator',
      creationTime: new Date(T0.getTime() - 2 * DAY * 1000).toISOString(),
      tags: {
        [PROVENANCE_TAG_KEYS.policy]: 'dr-test',
        [PROVENANCE_TAG_KEYS.sourceDisk]: disk,
        [PROVENANCE_TAG_KEYS.sourceRegion]: SOURCE,
        [PROVENANCE_TAG_KEYS.sourceSnapshot]: 's-whatever',
      },
    });
    bed = await startBed();
    bed.emu.admin.loadWorld(world);
    const p = pol({ keepLast: 2 }, 'all');

    const last = await settle(bed, p);

    expect(bed.emu.admin.snapshots(DEST).map((s) => s.snapshotId)).toContain('s-handmade');
    expect(
      last.items.some((i) => i.errorCode === 'NotACopy' && i.copySnapshotId === 's-handmade'),
    ).toBe(true);
  });
});

describe('keepLast orders copies by recovery point, not by when the copy was made', () => {
  it('keeps the copy of the newest source through latest/keepLast 1 -> all/keepLast 3 -> keepLast 2', async () => {
    bed = await startBed();
    bed.emu.admin.loadWorld(oneDisk(4));
    const sources = bed.emu.admin
      .snapshots(SOURCE)
      .sort((a, b) => a.creationTime - b.creationTime)
      .map((s) => s.snapshotId);
    const newest = sources[sources.length - 1] ?? '';

    await settle(bed, pol({ keepLast: 1 }, 'latest'));
    await settle(bed, pol({ keepLast: 3 }, 'all'));
    const last = await settle(bed, pol({ keepLast: 2 }, 'all'));

    const left = copiesIn(bed, DEST).map((c) => c.tags[PROVENANCE_TAG_KEYS.sourceSnapshot]);
    expect(left).toContain(newest);
    expect(left).toHaveLength(2);
    expect(last.summary.exitCode).toBe(0);
    const report = await collectStatus({
      policy: pol({ keepLast: 2 }, 'all'),
      cloud: bed.cloud,
      records: undefined,
      now: bed.now(),
    });
    expect(report.cells.map((c) => c.newestCopy?.sourceSnapshotId)).toEqual([newest]);
    expect(report.ok).toBe(true);
  });
});

describe('no phantom copies', () => {
  it('re-copies a copy deleted by hand under a new ClientToken generation, with a record and an alert', async () => {
    bed = await startBed();
    bed.emu.admin.loadWorld(oneDisk(1));
    const p = pol({}, 'latest');
    await settle(bed, p);
    const [copy] = copiesIn(bed, DEST);
    if (!copy) throw new Error('no copy');
    await bed.cloud.ecs.deleteSnapshot(DEST, copy.snapshotId);

    const ran = await run(bed, p);

    const recopy = ran.items.find((i) => i.outcome === 're-copy');
    expect(recopy?.message).toContain(`copy ${copy.snapshotId}`);
    expect(recopy?.message).toContain('copy deleted');
    expect(recopy?.copySnapshotId).not.toBe(copy.snapshotId);
    expect(ran.records.some((r) => r.kind === 'alert' && r.alert === AlertKind.CopyLost)).toBe(
      true,
    );
    expect(copiesIn(bed, DEST).map((c) => c.snapshotId)).toContain(recopy?.copySnapshotId);
    // No record names the deleted copy as started.
    expect(
      ran.items.filter((i) => i.outcome === 'started' && i.copySnapshotId === copy.snapshotId),
    ).toEqual([]);
    // The next run finds the new copy and copies nothing.
    finishCopies(bed);
    const next = await run(bed, p);
    expect(next.summary.totals.started + next.summary.totals['re-copy']).toBe(0);
    expect(duplicatedSources(bed, DEST)).toEqual([]);
  });

  it('says "released by retention" when RetentionDays let the copy go', async () => {
    bed = await startBed();
    bed.emu.admin.loadWorld(oneDisk(1));
    const p = pol({ retentionDays: 1 }, 'latest');
    await settle(bed, p);
    expect(copiesIn(bed, DEST)).toHaveLength(1);
    bed.emu.admin.advanceClock(2 * DAY);
    expect(copiesIn(bed, DEST)).toHaveLength(0);

    const ran = await run(bed, p);

    const recopy = ran.items.find((i) => i.outcome === 're-copy');
    expect(recopy?.message).toContain('released by retention (RetentionDays 1)');
    expect(copiesIn(bed, DEST)).toHaveLength(1);
  });
});

describe('no silent skip', () => {
  it('records DR-tagged sources that are copies, or carry dr-replicator tags, as skipped with the reason', async () => {
    const world = syntheticWorld({
      regions: [SOURCE],
      disksPerRegion: 2,
      snapshotsPerDisk: 1,
      now: T0,
      destinations: [DEST],
      tagged: { dr: 'true' },
    });
    const [a, b] = world.snapshots;
    if (!a || !b) throw new Error('world');
    // An automatic snapshot policy's cross-region copy that landed here, still DR-tagged.
    world.snapshots.push({
      ...a,
      snapshotId: 's-asp-copy',
      sourceSnapshotId: 's-elsewhere',
      sourceRegionId: 'cn-shanghai',
    });
    world.snapshots.push({
      ...b,
      snapshotId: 's-loop',
      tags: { dr: 'true', 'dr-replicator:note': 'x' },
    });
    bed = await startBed();
    bed.emu.admin.loadWorld(world);
    const p = policy({
      source: { regions: [SOURCE], select: { tags: { dr: 'true' } }, lookbackHours: 24 * 30 },
      destinations: [{ region: DEST }],
    });

    const ran = await run(bed, p);

    const copy = ran.items.find((i) => i.sourceSnapshotId === 's-asp-copy');
    expect(copy).toMatchObject({ outcome: 'skipped', errorCode: 'NotASource.IsACopy' });
    expect(copy?.message).toMatch(
      /is a copy of cn-shanghai\/s-elsewhere made by another mechanism/,
    );
    const loop = ran.items.find((i) => i.sourceSnapshotId === 's-loop');
    expect(loop).toMatchObject({ outcome: 'skipped', errorCode: 'NotASource.LoopGuard' });
    expect(
      ran.records.some((r) => r.kind === 'alert' && r.alert === AlertKind.OutcomeCountMismatch),
    ).toBe(false);
  });
});

describe('a disk that stops producing snapshots', () => {
  const stalePolicy = (retired: string[] = []) =>
    policy({
      source: {
        regions: [SOURCE],
        lookbackHours: 48,
        copyMode: 'latest',
        ...(retired.length > 0 ? { retiredDisks: retired } : {}),
      },
      destinations: [{ region: DEST, rpoHours: 24 }],
    });

  it('raises source-stale once its newest recovery point is older than rpoHours', async () => {
    bed = await startBed();
    bed.emu.admin.loadWorld(oneDisk(1));
    await settle(bed, stalePolicy());
    // Three days later the disk has made no snapshot: nothing is discovered for it.
    bed.emu.admin.advanceClock(3 * DAY);

    const ran = await run(bed, stalePolicy());

    const stale = ran.records.filter(
      (r) => r.kind === 'alert' && r.alert === AlertKind.SourceStale,
    );
    expect(stale).toHaveLength(1);
    expect(stale[0]?.message).toMatch(/produced no snapshot in the lookback window/);
  });

  it('stays quiet for a disk listed in source.retiredDisks', async () => {
    bed = await startBed();
    bed.emu.admin.loadWorld(oneDisk(1));
    const disk = bed.emu.admin.snapshots(SOURCE)[0]?.sourceDiskId ?? '';
    await settle(bed, stalePolicy([disk]));
    bed.emu.admin.advanceClock(3 * DAY);

    const ran = await run(bed, stalePolicy([disk]));

    expect(
      ran.records.filter((r) => r.kind === 'alert' && r.alert === AlertKind.SourceStale),
    ).toEqual([]);
  });
});
