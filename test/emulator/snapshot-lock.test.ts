import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { $Ecs, ecsClient, popClient, popFailure, start } from './support/clients.ts';

/**
 * LockSnapshot / UnlockSnapshot / DescribeLockedSnapshots and DeleteSnapshot of a locked
 * snapshot, as the API pages describe them (compliance mode, 1–36,500 days, 0–72 h cool-off).
 */

let emu: RunningEmulator;
const DAY_S = 86_400;
const HOUR_S = 3_600;

beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());
beforeEach(() => emu.admin.reset());

/** A cn-hangzhou snapshot whose retention leaves room for a `days`-day lock. */
function lockable(days = 5): string {
  const now = emu.admin.now().getTime();
  const s = emu.admin
    .snapshots('cn-hangzhou')
    .find(
      (x) =>
        x.status === 'accomplished' &&
        (x.retentionDays === undefined ||
          x.creationTime + x.retentionDays * DAY_S * 1000 > now + (days + 1) * DAY_S * 1000),
    );
  if (s === undefined) throw new Error('no lockable demo snapshot');
  return s.snapshotId;
}

const lock = (id: string, days: number, hours: number) =>
  popClient(emu).request<{ LockedSnapshotInfo: { LockStatus: string; LockExpiredTime: string } }>(
    'LockSnapshot',
    {
      RegionId: 'cn-hangzhou',
      SnapshotId: id,
      LockMode: 'compliance',
      LockDuration: days,
      CoolOffPeriod: hours,
    },
    { method: 'POST' },
  );

interface LockedInfo {
  SnapshotId: string;
  LockStatus: string;
  LockCreationTime: string;
  CoolOffPeriodExpiredTime: string;
  LockExpiredTime: string;
}
const describeLocks = async (ids: string[]) =>
  (
    await popClient(emu).request<{ LockedSnapshotsInfo: LockedInfo[] }>(
      'DescribeLockedSnapshots',
      { RegionId: 'cn-hangzhou', SnapshotIds: JSON.stringify(ids) },
      { method: 'POST' },
    )
  ).LockedSnapshotsInfo;

describe('LockSnapshot', () => {
  it.each([
    [0, 'InvalidParameter'],
    [1, 'OK'],
    [36_500, 'OK'],
    [36_501, 'InvalidParameter'],
  ])('takes LockDuration %i days → %s (1–36,500)', async (days, code) => {
    // A world whose snapshot has no retention, so only the duration limit applies.
    emu.admin.loadWorld({
      regions: [{ regionId: 'cn-hangzhou' }],
      disks: [{ diskId: 'd-1', regionId: 'cn-hangzhou', type: 'data', sizeGiB: 20 }],
      snapshots: [
        {
          snapshotId: 's-1',
          regionId: 'cn-hangzhou',
          diskId: 'd-1',
          creationTime: '2026-05-01T00:00:00Z',
        },
      ],
      kmsKeys: [],
    });
    const id = 's-1';
    const outcome = await lock(id, days, 1).then(
      () => 'OK',
      (e: { code: string }) => e.code,
    );
    expect(outcome).toBe(code);
  });

  it.each([
    [-1, 'InvalidParameter'],
    [0, 'OK'],
    [72, 'OK'],
    [73, 'InvalidParameter'],
  ])('takes CoolOffPeriod %i hours → %s (0–72)', async (hours, code) => {
    const outcome = await lock(lockable(), 1, hours).then(
      () => 'OK',
      (e: { code: string }) => e.code,
    );
    expect(outcome).toBe(code);
  });

  it('refuses a lock that would outlive the snapshot retention (documented rule)', async () => {
    const id = lockable();
    const s = emu.admin.snapshots('cn-hangzhou').find((x) => x.snapshotId === id)!;
    const left = Math.floor(
      (s.creationTime + s.retentionDays! * DAY_S * 1000 - emu.admin.now().getTime()) /
        (DAY_S * 1000),
    );
    await expect(lock(id, left, 0)).resolves.toBeDefined();
    expect((await popFailure(lock(id, left + 1, 0))).code).toBe('InvalidParameter');
  });

  it('is shown compliance-cooloff, then compliance, then expired as virtual time passes', async () => {
    const id = lockable();
    const first = await lock(id, 2, 24);
    expect(first.LockedSnapshotInfo.LockStatus).toBe('compliance-cooloff');
    emu.admin.advanceClock(24 * HOUR_S);
    expect((await describeLocks([id]))[0]?.LockStatus).toBe('compliance');
    emu.admin.advanceClock(1 * DAY_S);
    expect((await describeLocks([id]))[0]?.LockStatus).toBe('expired');
  });

  it('re-locking during cool-off resets the lock, cool-off clock included', async () => {
    const id = lockable();
    await lock(id, 3, 24);
    const before = (await describeLocks([id]))[0]!;
    emu.admin.advanceClock(12 * HOUR_S);
    await lock(id, 3, 24);
    const after = (await describeLocks([id]))[0]!;
    expect(
      Date.parse(after.CoolOffPeriodExpiredTime) - Date.parse(before.CoolOffPeriodExpiredTime),
    ).toBe(12 * HOUR_S * 1000);
    expect(after.LockCreationTime).not.toBe(before.LockCreationTime);
  });

  it('after cool-off only extends the duration (shorter → InvalidOperation.CoolOffPeriodExpired)', async () => {
    const id = lockable();
    await lock(id, 3, 0);
    expect((await popFailure(lock(id, 2, 0))).code).toBe('InvalidOperation.CoolOffPeriodExpired');
    const longer = await lock(id, 4, 0);
    expect(longer.LockedSnapshotInfo.LockStatus).toBe('compliance');
  });

  it('is served to the official Tea SDK (SnapshotIds.N) with the same fields', async () => {
    const id = lockable();
    await lock(id, 2, 1);
    const tea = await ecsClient(emu).describeLockedSnapshots(
      new $Ecs.DescribeLockedSnapshotsRequest({ regionId: 'cn-hangzhou', snapshotIds: [id] }),
    );
    expect(tea.body?.lockedSnapshotsInfo?.map((l) => [l.snapshotId, l.lockStatus])).toEqual([
      [id, 'compliance-cooloff'],
    ]);
  });
});

describe('UnlockSnapshot', () => {
  it('unlocks during cool-off only', async () => {
    const id = lockable();
    await lock(id, 2, 1);
    await popClient(emu).request('UnlockSnapshot', { RegionId: 'cn-hangzhou', SnapshotId: id });
    expect(await describeLocks([id])).toEqual([]);
    await lock(id, 2, 1);
    emu.admin.advanceClock(HOUR_S);
    const refused = await popFailure(
      popClient(emu).request('UnlockSnapshot', { RegionId: 'cn-hangzhou', SnapshotId: id }),
    );
    expect([refused.code, refused.entry.response.statusCode]).toEqual([
      'InvalidOperation.CoolOffPeriodExpired',
      403,
    ]);
  });
});

describe('DeleteSnapshot of a locked snapshot', () => {
  it('fails with the operator’s own keys, in cool-off and in compliance, and works once expired', async () => {
    const id = lockable();
    await lock(id, 1, 1);
    const del = () => popClient(emu).request('DeleteSnapshot', { SnapshotId: id });
    expect((await popFailure(del())).code).toBe('InvalidOperation.CoolOffPeriodExpired');
    emu.admin.advanceClock(2 * HOUR_S);
    const refused = await popFailure(del());
    expect([refused.code, refused.entry.response.statusCode]).toEqual([
      'InvalidOperation.CoolOffPeriodExpired',
      403,
    ]);
    expect(emu.admin.snapshots('cn-hangzhou').some((s) => s.snapshotId === id)).toBe(true);
    emu.admin.advanceClock(DAY_S);
    await del();
    expect(emu.admin.snapshots('cn-hangzhou').some((s) => s.snapshotId === id)).toBe(false);
  });
});
