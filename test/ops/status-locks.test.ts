import { afterEach, describe, expect, it } from 'vitest';
import { emptyWorld, startEmulator, type World } from '../../emulator/index.ts';
import { createCloudClients } from '../../lib/cloud/clients.ts';
import type { RecordSource } from '../../lib/ops/record-source.ts';
import { alertsFromReport } from '../../lib/ops/status-alerts.ts';
import { collectStatus } from '../../lib/ops/status-collect.ts';
import { renderStatusHtml } from '../../lib/ops/status-html.ts';
import type { StatusCell, StatusReport } from '../../lib/ops/status-model.ts';
import { renderStatusText } from '../../lib/ops/status-text.ts';
import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import type { LogRecord } from '../../lib/records/types.ts';
import { toSafeJson } from '../../lib/terminal-safe.ts';
import {
  type Bed,
  copiesIn,
  FAST_RETRY,
  finishCopies,
  policy,
  run,
  startBed,
  T0,
} from '../engine/support/harness.ts';

/** Issue 18: `status` shows the lock state of each cell's newest completed copy. */

const LOCK = { days: 30, coolOffHours: 72 };
/** cn-beijing locks its copies, ap-southeast-1 does not. */
const mixed = (locks = true) =>
  policy({
    destinations: [
      { region: 'cn-beijing', ...(locks ? { lock: LOCK } : {}) },
      { region: 'ap-southeast-1' },
    ],
  });

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function bedOf(world: Parameters<typeof startBed>[0]): Promise<Bed> {
  const bed = await startBed(world);
  stop = () => bed.stop();
  return bed;
}

/** Runs the policy until every snapshot is copied and recorded complete; returns all records. */
async function copyAll(bed: Bed, p: ReturnType<typeof policy>): Promise<LogRecord[]> {
  const first = await run(bed, p);
  finishCopies(bed);
  const second = await run(bed, p);
  return [...first.records, ...second.records];
}

const recordsOf = (records: LogRecord[]): RecordSource => ({ read: async () => records });

/** Status of the mixed (cn-beijing locks) policy now; `records` as a file log would give them. */
const statusOf = (bed: Bed, records?: LogRecord[]) =>
  collectStatus({
    policy: mixed(),
    cloud: bed.cloud,
    records: records === undefined ? undefined : recordsOf(records),
    now: bed.now(),
    tuning: { retry: FAST_RETRY },
  });

function byRegion(report: StatusReport, region: string): StatusCell[] {
  return report.cells.filter((c) => c.destRegion === region);
}

describe('status: lock state of each cell', () => {
  it('shows "locked until" the expiry ECS reports, and "not locking" for a destination without lock, in text, JSON and HTML', async () => {
    const bed = await bedOf({ disksPerRegion: 2, snapshotsPerDisk: 1 });
    const records = await copyAll(bed, mixed());

    const report = await statusOf(bed, records);

    const locked = byRegion(report, 'cn-beijing');
    expect(locked).toHaveLength(2);
    const model = new Map(bed.emu.admin.snapshots('cn-beijing').map((s) => [s.snapshotId, s]));
    for (const cell of locked) {
      const lock = model.get(cell.newestCopy?.snapshotId ?? '')?.lock;
      expect(lock).toBeDefined();
      const until = new Date((lock?.durationStart ?? 0) + LOCK.days * 86_400_000)
        .toISOString()
        .replace('.000Z', 'Z');
      expect(cell.lock).toEqual({ state: 'locked', until, status: 'compliance-cooloff' });
    }
    expect(byRegion(report, 'ap-southeast-1').map((c) => c.lock)).toEqual([undefined, undefined]);

    const json = JSON.parse(toSafeJson(report, 2)) as StatusReport;
    expect(json.cells.map((c) => c.lock?.state ?? 'absent').sort()).toEqual([
      'absent',
      'absent',
      'locked',
      'locked',
    ]);
    const text = renderStatusText(report);
    const first = locked[0]?.lock;
    const until = first?.state === 'locked' ? first.until : 'none';
    expect(text).toContain('LOCK');
    expect(text).toContain(`locked until ${until}`);
    expect(text.match(/not locking/g)).toHaveLength(2);
    const html = renderStatusHtml(report);
    expect(html).toContain(`<span class="lock">locked until ${until}</span>`);
    expect(html).toContain('<span class="lock">not locking</span>');
    expect(alertsFromReport(report, 'status-t').filter((a) => a.alert === 'copy-unlocked')).toEqual(
      [],
    );
  });

  it('shows "unlocked" for a completed copy a run recorded but did not lock, and alerts copy-unlocked for exactly those cells', async () => {
    const bed = await bedOf({ disksPerRegion: 2, snapshotsPerDisk: 1 });
    // Copied while cn-beijing did not lock; the policy now says it does, and no run has locked yet.
    const records = await copyAll(bed, mixed(false));

    const report = await statusOf(bed, records);

    const cells = byRegion(report, 'cn-beijing');
    expect(cells.map((c) => c.lock)).toEqual([
      { state: 'unlocked', overdue: true },
      { state: 'unlocked', overdue: true },
    ]);
    const alerts = alertsFromReport(report, 'status-t').filter((a) => a.alert === 'copy-unlocked');
    expect(alerts.map((a) => `${a.destRegion} ${a.diskId}`).sort()).toEqual(
      cells.map((c) => `cn-beijing ${c.diskId}`).sort(),
    );
    expect(renderStatusText(report).match(/unlocked \(ALERT copy-unlocked\)/g)).toHaveLength(2);
    expect(renderStatusHtml(report)).toContain(
      '<span class="lock">unlocked (ALERT copy-unlocked)</span>',
    );

    // The next run locks them: status then agrees, and the alert is gone.
    const relock = await run(bed, mixed());
    const after = await statusOf(bed, [...records, ...relock.records]);
    expect(byRegion(after, 'cn-beijing').map((c) => c.lock?.state)).toEqual(['locked', 'locked']);
    expect(alertsFromReport(after, 'status-t').some((a) => a.alert === 'copy-unlocked')).toBe(
      false,
    );
  });

  it('does not alert an unlocked copy no run has recorded complete yet', async () => {
    const bed = await bedOf({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    await copyAll(bed, mixed(false));

    // No records (a stdout log): nothing shows that a run saw the copy complete.
    const report = await statusOf(bed);

    // The cloud does hold the completed, unlocked copy the cell shows.
    expect(
      copiesIn(bed, 'cn-beijing').map((s) => ({ status: s.status, locked: s.lock !== undefined })),
    ).toEqual([{ status: 'accomplished', locked: false }]);
    expect(byRegion(report, 'cn-beijing')[0]?.lock).toEqual({ state: 'unlocked', overdue: false });
    expect(alertsFromReport(report, 'status-t').some((a) => a.alert === 'copy-unlocked')).toBe(
      false,
    );
  });
});

describe('status: DescribeLockedSnapshots calls', () => {
  const DISKS = 101;
  /** 101 disks, each with a completed copy in cn-beijing; d-000 also has an older one. */
  function copiesWorld(): World {
    const world = emptyWorld();
    const copy = (id: string, disk: string, hoursAgo: number) => ({
      snapshotId: id,
      regionId: 'cn-beijing',
      diskId: disk,
      creationTime: new Date(T0.getTime() - hoursAgo * 3_600_000).toISOString(),
      snapshotType: 'user' as const,
      sourceSnapshotId: `s-src-${id}`,
      sourceRegionId: 'cn-hangzhou',
      tags: {
        [PROVENANCE_TAG_KEYS.policy]: 'dr-test',
        [PROVENANCE_TAG_KEYS.sourceSnapshot]: `s-src-${id}`,
        [PROVENANCE_TAG_KEYS.sourceRegion]: 'cn-hangzhou',
        [PROVENANCE_TAG_KEYS.sourceDisk]: disk,
      },
    });
    for (let i = 0; i < DISKS; i++) {
      const disk = `d-${String(i).padStart(3, '0')}`;
      world.disks.push({ diskId: disk, regionId: 'cn-hangzhou', type: 'data', sizeGiB: 20 });
      world.snapshots.push(copy(`s-bj-${disk}`, disk, 1));
    }
    world.snapshots.push(copy('s-bj-d-000-old', 'd-000', 30));
    return world;
  }

  async function statusCalls(p: ReturnType<typeof policy>) {
    const emu = await startEmulator({ world: copiesWorld(), startTime: T0, speed: 0 });
    stop = () => emu.stop();
    const cloud = createCloudClients({
      credentials: emu.admin.issueStsCredentials(),
      endpoint: emu.url,
      timeoutMs: 5_000,
    });
    const report = await collectStatus({ policy: p, cloud, records: undefined, now: T0 });
    return { report, calls: emu.admin.calls({ action: 'DescribeLockedSnapshots' }) };
  }

  it('asks only about the newest completed copy of each cell, 100 ids a call', async () => {
    const { report, calls } = await statusCalls(
      policy({ destinations: [{ region: 'cn-beijing', lock: LOCK }] }),
    );

    expect(report.cells).toHaveLength(DISKS);
    const idsPerCall = calls.map((c) =>
      Object.keys(c.params).filter((k) => k.startsWith('SnapshotIds.')),
    );
    expect(idsPerCall.map((ids) => ids.length)).toEqual([100, 1]);
    const asked = calls.flatMap((c) =>
      Object.entries(c.params)
        .filter(([k]) => k.startsWith('SnapshotIds.'))
        .map(([, v]) => String(v)),
    );
    expect(new Set(asked)).toEqual(new Set(report.cells.map((c) => c.newestCopy?.snapshotId)));
    expect(asked).not.toContain('s-bj-d-000-old');
    expect(report.cells.every((c) => c.lock?.state === 'unlocked')).toBe(true);
  });

  it('makes no DescribeLockedSnapshots call when no destination locks', async () => {
    const { report, calls } = await statusCalls(
      policy({ destinations: [{ region: 'cn-beijing' }] }),
    );

    expect(report.cells).toHaveLength(DISKS);
    expect(calls).toEqual([]);
    expect(report.cells.some((c) => c.lock !== undefined)).toBe(false);
    expect(renderStatusText(report)).not.toContain('LOCK');
  });
});
