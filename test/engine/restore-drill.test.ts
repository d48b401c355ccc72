import { afterEach, describe, expect, it } from 'vitest';
import { planPolicy } from '../../lib/engine/run.ts';
import { collectStatus } from '../../lib/ops/status-collect.ts';
import { renderStatusHtml } from '../../lib/ops/status-html.ts';
import { renderStatusText } from '../../lib/ops/status-text.ts';
import type { PolicyInput } from '../../lib/policy/schema.ts';
import { toSafeJson } from '../../lib/terminal-safe.ts';
import {
  type Bed,
  copiesIn,
  finishCopies,
  policy,
  run,
  startBed,
  virtualTime,
} from './support/harness.ts';

/** Issue 18: scheduled restore drills prove a destination's newest copy becomes a disk. */

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

const DRILL = { everyDays: 7, diskCategory: 'cloud_essd' } as const;
const drilling = (extra: Partial<PolicyInput> = {}) => policy({ restoreDrill: DRILL, ...extra });

/** The status report of the drilling policy, from the cloud alone (no records), now. */
const statusOf = (b: Bed) =>
  collectStatus({ policy: drilling(), cloud: b.cloud, records: undefined, now: b.now() });

/** Runs with engine sleeps moving the emulator's clock (a drill waits minutes in ms). */
function drillRun(b: Bed, p = drilling(), budgetMs?: number) {
  const vt = virtualTime(b);
  return run(b, p, {
    cloud: vt.cloud,
    tuning: { ...vt.tuning, retry: { baseDelayMs: 1, throttlingBaseDelayMs: 2, maxDelayMs: 20 } },
    ...(budgetMs === undefined ? {} : { budgetMs }),
  });
}

const drillDisks = (b: Bed) =>
  b.emu.admin.disks('cn-beijing').filter((d) => d.tags['dr-replicator:drill'] === 'dr-test');
const okCalls = (b: Bed, action: string) =>
  b.emu.admin.calls({ action }).filter((c) => c.code === 'OK');

/** One copy per disk, completed: the destination has something to drill. */
async function withCompletedCopy(b: Bed, p = drilling()) {
  await run(b, p);
  finishCopies(b);
}

describe('runPolicy: restore drills', () => {
  it('records a successful drill with its restore duration, then deletes the drill disk', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await withCompletedCopy(bed);

    const ran = await drillRun(bed);

    const restored = ran.items.filter((i) => i.outcome === 'restored');
    expect(restored).toHaveLength(1);
    const [copy] = copiesIn(bed, 'cn-beijing');
    expect(restored[0]?.copySnapshotId).toBe(copy?.snapshotId);
    // The emulator fills a 40 GiB disk in at least 30 virtual seconds.
    expect(restored[0]?.durationMs).toBeGreaterThanOrEqual(30_000);
    expect(restored[0]?.drillDiskId).toMatch(/^d-/);
    expect(restored[0]?.recoveryPoint).toBeDefined();
    expect(restored[0]?.recordId).toMatch(/^[0-9a-f]{32}$/);
    expect(drillDisks(bed)).toEqual([]);
    expect(okCalls(bed, 'DeleteDisk').map((c) => c.params.DiskId)).toEqual([
      restored[0]?.drillDiskId,
    ]);
    expect(ran.summary.exitCode).toBe(0);
  });

  it('drills again only after everyDays (the drill time is read back from the copy)', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await withCompletedCopy(bed);
    await drillRun(bed);
    expect(okCalls(bed, 'CreateDisk')).toHaveLength(1);

    bed.emu.admin.advanceClock(6 * 86_400);
    const early = await drillRun(bed);
    expect(early.summary.apiCalls.CreateDisk ?? 0).toBe(0);

    bed.emu.admin.advanceClock(86_400 + 60);
    const due = await drillRun(bed);
    expect(due.items.filter((i) => i.outcome === 'restored')).toHaveLength(1);
  });

  it('records restore-failed and raises drill-failed when the restore fails, and leaves no disk', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await withCompletedCopy(bed);
    bed.emu.admin.setFaults({ restoreFailureRate: 1, actions: ['CreateDisk'] });

    const ran = await drillRun(bed);

    const failed = ran.items.filter((i) => i.outcome === 'restore-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.errorCode).toBe('RestoreFailed');
    const alerts = ran.records.filter((r) => r.kind === 'alert' && r.alert === 'drill-failed');
    expect(alerts).toHaveLength(1);
    expect(ran.summary.exitCode).toBe(1);
    expect(drillDisks(bed)).toEqual([]);
  });

  it('records a refused CreateDisk (errors past retries) as a failed drill that leaves no disk', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await withCompletedCopy(bed);
    bed.emu.admin.setFaults({ errorRate5xx: 1, actions: ['CreateDisk'] });

    const ran = await drillRun(bed);

    expect(ran.items.filter((i) => i.outcome === 'restore-failed')).toHaveLength(1);
    expect(ran.records.some((r) => r.kind === 'alert' && r.alert === 'drill-failed')).toBe(true);
    expect(drillDisks(bed)).toEqual([]);
  });

  it('deletes a drill disk a run left behind (its budget ended while the disk was Creating) on the next run', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await withCompletedCopy(bed);

    // 20 s budget, 16 s of it for work: the 30 s restore outlives the run.
    const cut = await drillRun(bed, drilling(), 20_000);
    expect(okCalls(bed, 'CreateDisk')).toHaveLength(1);
    expect(cut.items.filter((i) => i.outcome === 'restored')).toHaveLength(0);
    expect(drillDisks(bed)).toHaveLength(1);

    const next = await drillRun(bed);

    const restored = next.items.filter((i) => i.outcome === 'restored');
    expect(restored).toHaveLength(1);
    expect(restored[0]?.message).toContain('at most');
    expect(drillDisks(bed)).toEqual([]);
    // The leftover was finished, not drilled again.
    expect(okCalls(bed, 'CreateDisk')).toHaveLength(1);
  });

  it('never meets SnapshotCreatedDisk when pruning a copy a drill disk was made from', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 2 });
    const keepTwo = drilling({ destinations: [{ region: 'cn-beijing', keepLast: 2 }] });
    const keepOne = drilling({ destinations: [{ region: 'cn-beijing', keepLast: 1 }] });
    await withCompletedCopy(bed, keepTwo);
    // Drills the first copy; the budget ends while its disk is Creating.
    await drillRun(bed, keepTwo, 20_000);
    const drilledCopy = drillDisks(bed)[0]?.sourceSnapshotId;
    expect(drilledCopy).toMatch(/^s-/);
    finishCopies(bed);
    // keepLast 1 now lets the drilled copy go; a run that cannot delete its drill disk defers it.
    bed.emu.admin.setFaults({ errorRate5xx: 1, actions: ['DeleteDisk'] });
    const deferred = await drillRun(bed, keepOne);
    const kept = deferred.items.filter((i) => i.errorCode === 'DrillDiskPresent');
    expect(kept.map((i) => [i.outcome, i.copySnapshotId])).toEqual([['deferred', drilledCopy]]);
    bed.emu.admin.setFaults({});

    const pruned = await drillRun(bed, keepOne);

    expect(pruned.items.filter((i) => i.outcome === 'pruned').map((i) => i.copySnapshotId)).toEqual(
      [drilledCopy],
    );
    const deletes = bed.emu.admin.calls({ action: 'DeleteSnapshot' });
    expect(deletes.map((c) => c.code)).toEqual(['OK']);
    expect(drillDisks(bed)).toEqual([]);
    // The drill disk went first.
    const order = bed.emu.admin
      .calls()
      .filter(
        (c) => c.code === 'OK' && (c.action === 'DeleteDisk' || c.action === 'DeleteSnapshot'),
      )
      .map((c) => c.action);
    expect(order).toEqual(['DeleteDisk', 'DeleteSnapshot']);
  });

  it('shows the drill step in the plan and calls nothing that writes', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await withCompletedCopy(bed);

    const plan = await planPolicy({ policy: drilling(), cloud: bed.cloud, now: bed.now });

    const done = plan.items.find((i) => i.action === 'already-copied');
    expect(done?.reason).toMatch(/restore drill due \(every 7 d, never drilled\): will restore s-/);
    expect(plan.apiCalls.wouldMake).toMatchObject({ CreateDisk: 1, DeleteDisk: 1 });
    expect(plan.apiCalls.made.CreateDisk ?? 0).toBe(0);
  });

  it('shows per destination the newest restore-tested recovery point and its age (tested RPO)', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await withCompletedCopy(bed);
    const before = await statusOf(bed);
    expect(before.destinations[0]?.tested).toBeUndefined();
    const ran = await drillRun(bed);
    const restored = ran.items.find((i) => i.outcome === 'restored');
    expect(restored).toBeDefined();

    const report = await statusOf(bed);

    const tested = report.destinations[0]?.tested;
    expect(tested?.snapshotId).toBe(restored?.copySnapshotId);
    expect(tested?.recoveryPointTime).toBe(restored?.recoveryPoint);
    const age = (bed.now().getTime() - Date.parse(restored?.recoveryPoint ?? '')) / 3_600_000;
    expect(tested?.ageHours).toBeCloseTo(age, 1);
    expect(renderStatusText(report)).toContain(
      `destination cn-beijing tested RPO: ${tested?.ageHours} h`,
    );
    expect(renderStatusHtml(report)).toContain(`cn-beijing tested RPO ${tested?.ageHours} h`);
    // What `status --output json` prints (toSafeJson) carries the tested point too.
    const printed = JSON.parse(toSafeJson(report, 2)) as typeof report;
    expect(printed.destinations[0]?.tested?.snapshotId).toBe(restored?.copySnapshotId);
    expect(printed.destinations[0]?.tested).toEqual(tested);
  });

  it('does not count a failed drill as restore-tested', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await withCompletedCopy(bed);
    bed.emu.admin.setFaults({ restoreFailureRate: 1, actions: ['CreateDisk'] });
    await drillRun(bed);

    const report = await statusOf(bed);

    expect(report.destinations[0]?.tested).toBeUndefined();
  });
});
