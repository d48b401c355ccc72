import { afterEach, describe, expect, it } from 'vitest';
import { planPolicy } from '../../lib/engine/run.ts';
import type { PolicyInput } from '../../lib/policy/schema.ts';
import { popClient } from '../emulator/support/clients.ts';
import { type Bed, copiesIn, finishCopies, policy, run, startBed } from './support/harness.ts';

/** Issue 18: every completed copy of a locking destination is locked once, and never pruned. */

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

const LOCK = { days: 30, coolOffHours: 72 };
const locking = (extra: Partial<PolicyInput['destinations'][number]> = {}) =>
  policy({ destinations: [{ region: 'cn-beijing', lock: LOCK, ...extra }] });

/** Copies every snapshot (one per disk per run, completing each) and records the last ones. */
async function copyAll(b: Bed, runs: number, p = locking()) {
  for (let i = 0; i < runs; i++) {
    await run(b, p);
    finishCopies(b);
  }
  return run(b, p);
}

const lockCalls = (b: Bed) =>
  b.emu.admin.calls({ action: 'LockSnapshot' }).filter((c) => c.code === 'OK');

describe('runPolicy: locked copies', () => {
  it('locks every completed copy of a locking destination exactly once across repeated runs', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 3 });
    await copyAll(bed, 3);
    for (let i = 0; i < 3; i++) await run(bed, locking());

    const copies = copiesIn(bed, 'cn-beijing');
    expect(copies).toHaveLength(6);
    const locked = lockCalls(bed).map((c) => c.params.SnapshotId);
    expect([...locked].sort()).toEqual(copies.map((c) => c.snapshotId).sort());
    for (const c of copies) expect(c.lock?.durationDays).toBe(LOCK.days);
  });

  it('does not reset the lock on a re-run during cool-off (no second LockSnapshot)', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await copyAll(bed, 1);
    const [copy] = copiesIn(bed, 'cn-beijing');
    const lockedAt = copy?.lock?.lockedAt;
    expect(lockedAt).toBeDefined();
    bed.emu.admin.advanceClock(3600);

    const again = await run(bed, locking());

    expect(again.summary.apiCalls.LockSnapshot ?? 0).toBe(0);
    expect(copiesIn(bed, 'cn-beijing')[0]?.lock?.lockedAt).toBe(lockedAt);
    // In cool-off still: the run learnt the state from DescribeLockedSnapshots.
    expect(again.summary.apiCalls.DescribeLockedSnapshots).toBe(1);
  });

  it('says "locked until" with the expiry in the completion record (field lockedUntil)', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    const last = await copyAll(bed, 1);
    const completed = last.items.filter((i) => i.outcome === 'completed');
    expect(completed).toHaveLength(1);
    const expiry = copiesIn(bed, 'cn-beijing')[0]?.lock;
    expect(expiry).toBeDefined();
    const until = completed[0]?.lockedUntil ?? '';
    expect(Date.parse(until)).toBe(expiry!.durationStart + LOCK.days * 86_400_000);
    expect(completed[0]?.message).toContain(`locked until ${until}`);
  });

  it('shows the lock step in the plan, and calls nothing that writes', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await run(bed, locking());
    finishCopies(bed);

    const plan = await planPolicy({ policy: locking(), cloud: bed.cloud, now: bed.now });

    const done = plan.items.find((i) => i.action === 'already-copied');
    expect(done?.reason).toMatch(/; will lock for 30 d \(cool-off 72 h\)$/);
    expect(plan.apiCalls.wouldMake.LockSnapshot).toBe(1);
    expect(lockCalls(bed)).toHaveLength(0);
  });

  it('shortens the lock so it ends before the copy is released by retentionDays', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    const p = locking({ retentionDays: 30 });
    await copyAll(bed, 1, p);
    const copy = copiesIn(bed, 'cn-beijing')[0];
    // The copy was made a day before the lock: 29 whole days of its retention are left.
    expect(copy?.lock?.durationDays).toBe(29);
  });

  it('never locks in a dry run', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await run(bed, locking());
    finishCopies(bed);
    await run(bed, locking(), { dryRun: true });
    expect(lockCalls(bed)).toHaveLength(0);
  });
});

describe('runPolicy: prune and locked copies', () => {
  it('never deletes or tries to delete a locked copy; the plan says "kept: locked until …"', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 3 });
    await copyAll(bed, 3);
    const p = locking({ keepLast: 1 });

    const plan = await planPolicy({ policy: p, cloud: bed.cloud, now: bed.now });
    const kept = plan.items.filter((i) => i.action === 'keep');
    // The newest copy of each disk is kept as such; the 4 that keepLast would let go, as locked.
    const locked = kept.filter((k) => /^kept: locked until \d{4}-\d\d-\d\dT/.test(k.reason));
    expect([kept.length, locked.length]).toEqual([6, 4]);
    expect(plan.items.filter((i) => i.action === 'prune')).toEqual([]);

    const result = await run(bed, p);
    expect(result.summary.totals.pruned).toBe(0);
    expect(bed.emu.admin.calls({ action: 'DeleteSnapshot' })).toEqual([]);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(6);
  });

  it('counts a locked copy toward keepLast: an unlocked older copy behind locked ones is pruned', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 3 });
    await copyAll(bed, 3);
    const copies = copiesIn(bed, 'cn-beijing').sort((a, b) => a.creationTime - b.creationTime);
    const oldest = copies[0]!;
    // An operator unlocks the oldest copy during its cool-off.
    await popClient(bed.emu).request('UnlockSnapshot', {
      RegionId: 'cn-beijing',
      SnapshotId: oldest.snapshotId,
    });

    const result = await run(bed, locking({ keepLast: 2 }));

    expect(result.items.filter((i) => i.outcome === 'pruned').map((i) => i.copySnapshotId)).toEqual(
      [oldest.snapshotId],
    );
    const deletes = bed.emu.admin.calls({ action: 'DeleteSnapshot' });
    expect(deletes.map((d) => d.params.SnapshotId)).toEqual([oldest.snapshotId]);
    // The prune target was not locked again first.
    expect(lockCalls(bed).filter((c) => c.params.SnapshotId === oldest.snapshotId)).toHaveLength(1);
  });
});

describe('runPolicy: when locking fails', () => {
  it('raises copy-unlocked for a copy LockSnapshot refused, and locks it on the next run', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await run(bed, locking());
    finishCopies(bed);
    bed.emu.admin.setFaults({ errorRate5xx: 1, actions: ['LockSnapshot'] });

    const refused = await run(bed, locking());

    const alerts = refused.records.filter((r) => r.kind === 'alert' && r.alert === 'copy-unlocked');
    expect(alerts).toHaveLength(1);
    const completed = refused.items.find((i) => i.outcome === 'completed');
    expect(completed?.lockedUntil).toBeUndefined();
    expect(completed?.message).toMatch(/not locked: /);
    expect(copiesIn(bed, 'cn-beijing')[0]?.lock).toBeUndefined();

    bed.emu.admin.setFaults({});
    const next = await run(bed, locking());
    expect(next.summary.apiCalls.LockSnapshot).toBe(1);
    expect(copiesIn(bed, 'cn-beijing')[0]?.lock).toBeDefined();
  });

  it('neither locks nor prunes where the locks could not be listed, and says so', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 3 });
    await copyAll(bed, 3, policy());
    bed.emu.admin.setFaults({ serviceUnavailableRate: 1, actions: ['DescribeLockedSnapshots'] });

    const result = await run(bed, locking({ keepLast: 1 }));

    expect(result.summary.apiCalls.LockSnapshot ?? 0).toBe(0);
    expect(bed.emu.admin.calls({ action: 'DeleteSnapshot' })).toEqual([]);
    const alert = result.records.find((r) => r.kind === 'alert' && r.alert === 'copy-unlocked');
    expect(alert?.message).toMatch(/locks in cn-beijing could not be listed/);
  });
});
