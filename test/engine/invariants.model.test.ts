import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../../emulator/index.ts';
import { emptyWorld } from '../../emulator/index.ts';
import type { SnapshotRecord } from '../../emulator/model/records.ts';
import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import { type ItemRecord, Outcome } from '../../lib/records/types.ts';
import { type Bed, FAST_RETRY, policy, run, startBed, virtualTime } from './support/harness.ts';

/**
 * The recovery-point invariants, checked after every run over random worlds, random policy
 * edits between runs and random operator actions (the guarantees in ARCHITECTURE.md):
 * 1. nothing that is not our copy is deleted;
 * 2. the copy holding the newest recovery point of a (disk, destination) is never deleted;
 * 3. every snapshot the selector matches gets an outcome record;
 * 4. no record names a copy the destination does not list at the end of the run, unless it says so;
 * 5. at most one live copy per (source snapshot, destination).
 * DR_MODEL_RUNS sets the case count (npm test runs a few hundred; `npm run chaos` thousands),
 * DR_MODEL_SEED replays a failure. Shrunk counterexamples become named tests in
 * recovery-point-safety.test.ts.
 */

const RUNS = Number(process.env.DR_MODEL_RUNS ?? 200);
const SEED = Number(process.env.DR_MODEL_SEED ?? Date.now() % 2 ** 31);
const SOURCE = 'cn-hangzhou';
const DEST = 'cn-beijing';
const HOUR = 3_600_000;
const NAME = 'dr-test';

let bed: Bed;
beforeAll(async () => {
  bed = await startBed();
});
afterAll(async () => {
  await bed.stop();
  process.stdout.write(
    `invariants model: ${RUNS} cases, seed ${SEED} (DR_MODEL_SEED=${SEED} replays)\n`,
  );
});

interface WorldSpec {
  disks: { snapshots: number[]; tagged: boolean }[];
  handMade: number;
  otherPolicy: number;
  aspCopies: number;
}

type Action =
  | {
      kind: 'run';
      copyMode: 'all' | 'latest';
      keepLast: number | undefined;
      retentionDays: number | undefined;
      /** The run's policy has a restore drill (due at once: everyDays 1). */
      drill: boolean;
    }
  | { kind: 'advance'; hours: number }
  | { kind: 'delete-copy'; pick: number }
  | { kind: 'tag-manual'; pick: number };

const worldArb: fc.Arbitrary<WorldSpec> = fc.record({
  disks: fc.array(
    fc.record({
      snapshots: fc.uniqueArray(fc.integer({ min: 1, max: 240 }), { minLength: 1, maxLength: 4 }),
      tagged: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  handMade: fc.integer({ min: 0, max: 2 }),
  otherPolicy: fc.integer({ min: 0, max: 2 }),
  aspCopies: fc.integer({ min: 0, max: 1 }),
});

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      copyMode: fc.constantFrom('all' as const, 'latest' as const),
      keepLast: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      retentionDays: fc.option(fc.constantFrom(1, 30), { nil: undefined }),
      drill: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      hours: fc.integer({ min: 1, max: 72 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('delete-copy' as const), pick: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tag-manual' as const), pick: fc.nat() }) },
);

function buildWorld(spec: WorldSpec, now: Date): World {
  const world = emptyWorld();
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR).toISOString();
  spec.disks.forEach((disk, d) => {
    const diskId = `d-m${d}`;
    const tags = disk.tagged ? { dr: 'true' } : {};
    world.disks.push({ diskId, regionId: SOURCE, type: 'data', sizeGiB: 20, tags });
    disk.snapshots.forEach((hoursAgo, s) => {
      world.snapshots.push({
        snapshotId: `s-m${d}x${s}`,
        regionId: SOURCE,
        diskId,
        creationTime: at(hoursAgo),
        tags,
      });
    });
  });
  const anyDisk = 'd-m0';
  for (let i = 0; i < spec.handMade; i++) {
    world.snapshots.push({
      snapshotId: `s-hand${i}`,
      regionId: DEST,
      diskId: 'd-dest',
      creationTime: at(300 + i),
      tags: { [PROVENANCE_TAG_KEYS.policy]: NAME, [PROVENANCE_TAG_KEYS.sourceDisk]: anyDisk },
    });
  }
  for (let i = 0; i < spec.otherPolicy; i++) {
    world.snapshots.push({
      snapshotId: `s-other${i}`,
      regionId: DEST,
      diskId: 'd-dest',
      creationTime: at(200 + i),
      sourceSnapshotId: 's-m0x0',
      sourceRegionId: SOURCE,
      tags: {
        [PROVENANCE_TAG_KEYS.policy]: 'someone-else',
        [PROVENANCE_TAG_KEYS.sourceDisk]: anyDisk,
      },
    });
  }
  for (let i = 0; i < spec.aspCopies; i++) {
    world.snapshots.push({
      snapshotId: `s-asp${i}`,
      regionId: SOURCE,
      diskId: anyDisk,
      creationTime: at(5 + i),
      sourceSnapshotId: 's-far',
      sourceRegionId: 'cn-shanghai',
      tags: { dr: 'true' },
    });
  }
  return world;
}

const isOurs = (s: SnapshotRecord) =>
  s.tags[PROVENANCE_TAG_KEYS.policy] === NAME &&
  s.sourceSnapshotId !== undefined &&
  s.tags[PROVENANCE_TAG_KEYS.sourceSnapshot] === s.sourceSnapshotId;

function sourceTime(id: string): number {
  return (
    bed.emu.admin.snapshots(SOURCE).find((s) => s.snapshotId === id)?.creationTime ?? Number.NaN
  );
}

/** The copy of the newest recovery point per disk (by source time), among our completed copies. */
function newestPoints(): Set<string> {
  const best = new Map<string, { id: string; point: number }>();
  for (const c of bed.emu.admin.snapshots(DEST)) {
    if (!isOurs(c) || c.status !== 'accomplished') continue;
    const tagged = Date.parse(c.tags[PROVENANCE_TAG_KEYS.sourceTime] ?? '');
    const point = Number.isNaN(sourceTime(c.sourceSnapshotId ?? ''))
      ? tagged
      : sourceTime(c.sourceSnapshotId ?? '');
    const disk = c.tags[PROVENANCE_TAG_KEYS.sourceDisk] ?? '';
    const known = best.get(disk);
    if (!Number.isNaN(point) && (known === undefined || point > known.point))
      best.set(disk, { id: c.snapshotId, point });
  }
  return new Set([...best.values()].map((b) => b.id));
}

async function check(actions: Action[]): Promise<void> {
  // Copies this policy's CopySnapshot calls made (from its records): what a duplicate costs us.
  const made = new Set<string>();
  for (const action of actions) {
    if (action.kind === 'advance') {
      bed.emu.admin.advanceClock(action.hours * 3600);
      continue;
    }
    if (action.kind === 'delete-copy') {
      const ours = bed.emu.admin.snapshots(DEST).filter(isOurs);
      const victim = ours[action.pick % Math.max(1, ours.length)];
      if (victim) await bed.cloud.ecs.deleteSnapshot(DEST, victim.snapshotId);
      continue;
    }
    if (action.kind === 'tag-manual') {
      const manual = bed.emu.admin.snapshots(DEST).filter((s) => !isOurs(s));
      const target = manual[action.pick % Math.max(1, manual.length)];
      if (target) {
        await bed.cloud.ecs.tagSnapshots(DEST, [target.snapshotId], {
          [PROVENANCE_TAG_KEYS.policy]: NAME,
          [PROVENANCE_TAG_KEYS.sourceSnapshot]: 's-m0x0',
        });
      }
      continue;
    }
    const p = policy({
      source: {
        regions: [SOURCE],
        select: { tags: { dr: 'true' } },
        lookbackHours: 24 * 7,
        copyMode: action.copyMode,
      },
      destinations: [
        {
          region: DEST,
          rpoHours: 48,
          ...(action.keepLast === undefined ? {} : { keepLast: action.keepLast }),
          ...(action.retentionDays === undefined ? {} : { retentionDays: action.retentionDays }),
        },
      ],
      ...(action.drill ? { restoreDrill: { everyDays: 1, diskCategory: 'cloud_essd' } } : {}),
    });
    // Ownership is what the rule says just before the run: an operator who re-tags another
    // tool's copy of the same source with this policy's tags has handed it to this policy.
    const notOurs = new Set(
      [...bed.emu.admin.snapshots(DEST), ...bed.emu.admin.snapshots(SOURCE)]
        .filter((s) => !isOurs(s))
        .map((s) => s.snapshotId),
    );
    const protectedIds = newestPoints();
    const now = bed.now().getTime();
    const matched = bed.emu.admin
      .snapshots(SOURCE)
      .filter(
        (s) =>
          s.tags.dr === 'true' &&
          s.status === 'accomplished' &&
          s.creationTime >= now - 7 * 24 * HOUR,
      )
      .map((s) => s.snapshotId);
    const callsBefore = bed.emu.admin.calls().length;

    // Engine waits (a drill's polls) move the emulator's clock, not real time.
    const vt = virtualTime(bed);
    const ran = await run(bed, p, { cloud: vt.cloud, tuning: { ...vt.tuning, retry: FAST_RETRY } });

    const deleted = bed.emu.admin
      .calls()
      .slice(callsBefore)
      .filter((c) => c.action === 'DeleteSnapshot' && c.code === 'OK')
      .map((c) => c.params.SnapshotId ?? '');
    // 1. Nothing that is not our copy is deleted.
    expect(deleted.filter((id) => notOurs.has(id))).toEqual([]);
    // 2. Never the copy of the newest recovery point.
    expect(deleted.filter((id) => protectedIds.has(id))).toEqual([]);
    // 3. Every matched source has an outcome (and the run's own check agrees).
    const decided = new Set(ran.items.map((i: ItemRecord) => i.sourceSnapshotId));
    expect(matched.filter((id) => !decided.has(id))).toEqual([]);
    expect(
      ran.records.some((r) => r.kind === 'alert' && r.alert === 'outcome-count-mismatch'),
    ).toBe(false);
    // 4. Records of started / re-copied copies name copies that exist, unless they say otherwise.
    const live = new Set(bed.emu.admin.snapshots(DEST).map((s) => s.snapshotId));
    const claimed = ran.items.filter(
      (i) =>
        (i.outcome === Outcome.Started || i.outcome === Outcome.Recopy) &&
        i.copySnapshotId !== undefined &&
        !live.has(i.copySnapshotId) &&
        !i.message.includes('not yet confirmed'),
    );
    expect(claimed).toEqual([]);
    // 5. At most one live copy per (source, destination) among the copies this policy made
    // (an operator re-tagging another tool's copy makes a second one; that is not ours to pay).
    for (const i of ran.items) {
      if ((i.outcome === Outcome.Started || i.outcome === Outcome.Recopy) && i.copySnapshotId) {
        made.add(i.copySnapshotId);
      }
    }
    const perSource = new Map<string, number>();
    for (const c of bed.emu.admin.snapshots(DEST)) {
      if (!made.has(c.snapshotId) || c.status === 'failed') continue;
      perSource.set(c.sourceSnapshotId ?? '', (perSource.get(c.sourceSnapshotId ?? '') ?? 0) + 1);
    }
    expect([...perSource].filter(([, n]) => n > 1)).toEqual([]);
    // 6. Restore drills: prune never meets SnapshotCreatedDisk, and no drill disk outlives a
    // run that had no time budget to run out of.
    const refused = bed.emu.admin
      .calls()
      .slice(callsBefore)
      .filter((c) => c.code === 'SnapshotCreatedDisk');
    expect(refused).toEqual([]);
    expect(bed.emu.admin.disks(DEST).filter((d) => d.tags['dr-replicator:drill'])).toEqual([]);
  }
}

describe('recovery-point invariants over random worlds and operator actions', () => {
  it(`hold after every run (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        worldArb,
        fc.array(actionArb, { minLength: 1, maxLength: 6 }),
        async (spec, actions) => {
          bed.emu.admin.reset();
          bed.emu.admin.loadWorld(buildWorld(spec, bed.now()));
          bed.emu.admin.clearThrottle('CopySnapshot');
          await check(actions);
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  }, 600_000);
});
