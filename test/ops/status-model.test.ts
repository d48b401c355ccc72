import { describe, expect, it } from 'vitest';
import { HeartbeatState, type HeartbeatStatus } from '../../lib/ops/heartbeat.ts';
import {
  buildStatusReport,
  newestRun,
  RpoState,
  type StatusInputs,
  TIMELINE_RUNS,
} from '../../lib/ops/status-model.ts';
import { alert, copy, item, POLICY, run } from './fixtures.ts';

const now = new Date('2026-11-27T12:00:00Z');
const ok: HeartbeatStatus = { state: HeartbeatState.Ok, intervalMs: 3_600_000, message: 'ok' };
const policy = {
  name: POLICY,
  destinations: [
    { region: 'cn-shanghai', rpoHours: 24 },
    { region: 'cn-beijing', rpoHours: 4 },
  ],
};

function report(overrides: Partial<StatusInputs>) {
  return buildStatusReport({ policy, copies: [], records: [], heartbeat: ok, now, ...overrides });
}

function cell(r: ReturnType<typeof report>, diskId: string, destRegion: string) {
  const found = r.cells.find((c) => c.diskId === diskId && c.destRegion === destRegion);
  if (found === undefined) throw new Error(`no cell ${diskId} ${destRegion}`);
  return found;
}

describe('buildStatusReport', () => {
  it('has one cell per protected disk and policy destination', () => {
    const r = report({
      copies: [
        copy({ snapshotId: 's-1', regionId: 'cn-shanghai', disk: 'd-b' }),
        copy({ snapshotId: 's-2', regionId: 'cn-beijing', disk: 'd-a' }),
      ],
    });
    expect(r.cells.map((c) => `${c.diskId}>${c.destRegion}`)).toEqual([
      'd-a>cn-shanghai',
      'd-a>cn-beijing',
      'd-b>cn-shanghai',
      'd-b>cn-beijing',
    ]);
  });

  it('judges the newest completed copy against the RPO of its destination', () => {
    const r = report({
      copies: [
        // 6 h old: healthy against 24 h, breached against 4 h.
        copy({
          snapshotId: 's-1',
          regionId: 'cn-shanghai',
          disk: 'd-a',
          creationTime: '2026-11-27T06:00:00Z',
        }),
        copy({
          snapshotId: 's-2',
          regionId: 'cn-beijing',
          disk: 'd-a',
          creationTime: '2026-11-27T06:00:00Z',
        }),
      ],
    });
    expect(cell(r, 'd-a', 'cn-shanghai').state).toBe(RpoState.Healthy);
    expect(cell(r, 'd-a', 'cn-beijing').state).toBe(RpoState.Breached);
    expect(cell(r, 'd-a', 'cn-beijing').newestCopy).toMatchObject({
      snapshotId: 's-2',
      ageHours: 6,
    });
  });

  it('uses the newest of several completed copies', () => {
    const r = report({
      copies: [
        copy({
          snapshotId: 's-old',
          regionId: 'cn-beijing',
          disk: 'd-a',
          creationTime: '2026-11-26T00:00:00Z',
        }),
        copy({
          snapshotId: 's-new',
          regionId: 'cn-beijing',
          disk: 'd-a',
          creationTime: '2026-11-27T11:00:00Z',
        }),
      ],
    });
    expect(cell(r, 'd-a', 'cn-beijing').newestCopy?.snapshotId).toBe('s-new');
    expect(cell(r, 'd-a', 'cn-beijing').state).toBe(RpoState.Healthy);
  });

  it('marks a cell at risk past three quarters of the RPO', () => {
    const r = report({
      copies: [
        copy({
          snapshotId: 's-1',
          regionId: 'cn-beijing',
          disk: 'd-a',
          creationTime: '2026-11-27T08:30:00Z',
        }),
      ],
    });
    expect(cell(r, 'd-a', 'cn-beijing').state).toBe(RpoState.AtRisk);
  });

  it('shows a first copy still in flight within the RPO as pending, not as a breach', () => {
    const r = report({
      copies: [
        copy({ snapshotId: 's-1', regionId: 'cn-shanghai', disk: 'd-a' }),
        copy({
          snapshotId: 's-2',
          regionId: 'cn-beijing',
          disk: 'd-a',
          status: 'progressing',
          progress: 40,
          creationTime: '2026-11-27T10:00:00Z',
        }),
      ],
    });
    const beijing = cell(r, 'd-a', 'cn-beijing');
    expect(beijing.state).toBe(RpoState.Pending);
    expect(beijing.firstAttemptAt).toBe('2026-11-27T10:00:00Z');
    expect(beijing.inFlight).toEqual([
      expect.objectContaining({ snapshotId: 's-2', progress: 40 }),
    ]);
    expect(r.summary.inFlight).toBe(1);
    expect(r.ok).toBe(true);
  });

  it('counts a disk without a completed copy past the RPO since its first attempt as no copy', () => {
    const r = report({
      copies: [
        copy({ snapshotId: 's-1', regionId: 'cn-shanghai', disk: 'd-a' }),
        copy({
          snapshotId: 's-2',
          regionId: 'cn-beijing',
          disk: 'd-a',
          status: 'progressing',
          creationTime: '2026-11-27T09:00:00Z',
        }),
      ],
      // The engine first tried 5 h ago (RPO 4 h): the copy in flight is a retry.
      records: [
        item({
          diskId: 'd-a',
          destRegion: 'cn-beijing',
          outcome: 'failed',
          time: '2026-11-27T07:00:00Z',
        }),
      ],
    });
    expect(cell(r, 'd-a', 'cn-beijing').state).toBe(RpoState.NoCopy);
    expect(cell(r, 'd-a', 'cn-beijing').firstAttemptAt).toBe('2026-11-27T07:00:00Z');
    expect(r.ok).toBe(false);
  });

  it('reports the newest failure, from a failed copy or a failed item record', () => {
    const r = report({
      copies: [
        copy({
          snapshotId: 's-f',
          regionId: 'cn-shanghai',
          disk: 'd-a',
          status: 'failed',
          creationTime: '2026-11-27T01:00:00Z',
        }),
      ],
      records: [
        item({
          diskId: 'd-a',
          destRegion: 'cn-shanghai',
          outcome: 'failed',
          errorCode: 'QuotaExceed.SnapshotQuota',
          time: '2026-11-27T09:00:00Z',
          message: 'quota',
        }),
      ],
    });
    expect(cell(r, 'd-a', 'cn-shanghai').lastFailure).toMatchObject({
      errorCode: 'QuotaExceed.SnapshotQuota',
      time: '2026-11-27T09:00:00Z',
    });
  });

  it('includes disks the engine tried to copy but leaves out disks that were only skipped', () => {
    const r = report({
      records: [
        item({ diskId: 'd-new', destRegion: 'cn-shanghai', outcome: 'started' }),
        item({ diskId: 'd-local', destRegion: 'cn-shanghai', outcome: 'skipped' }),
      ],
    });
    expect([...new Set(r.cells.map((c) => c.diskId))]).toEqual(['d-new']);
  });

  it('ignores copies in regions the policy no longer replicates to and records of other policies', () => {
    const r = report({
      copies: [copy({ snapshotId: 's-1', regionId: 'us-west-1', disk: 'd-gone' })],
      records: [item({ diskId: 'd-other', destRegion: 'cn-shanghai', policy: 'other-policy' })],
    });
    expect(r.cells).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('is not ok when the heartbeat is missed even if every cell is healthy', () => {
    const r = report({
      copies: [
        copy({
          snapshotId: 's-1',
          regionId: 'cn-shanghai',
          disk: 'd-a',
          creationTime: '2026-11-27T11:00:00Z',
        }),
        copy({
          snapshotId: 's-2',
          regionId: 'cn-beijing',
          disk: 'd-a',
          creationTime: '2026-11-27T11:00:00Z',
        }),
      ],
      heartbeat: { state: HeartbeatState.Missed, intervalMs: 1, message: 'missed' },
    });
    expect(r.summary[RpoState.Healthy]).toBe(2);
    expect(r.ok).toBe(false);
  });

  it('lists recent runs newest first, at most TIMELINE_RUNS of them', () => {
    const runs = Array.from({ length: TIMELINE_RUNS + 5 }, (_, i) =>
      run({ runId: `r${i}`, finishedAt: new Date(Date.UTC(2026, 10, 27, 0, i)).toISOString() }),
    );
    const r = report({ records: runs });
    expect(r.runs).toHaveLength(TIMELINE_RUNS);
    expect(r.runs[0]?.runId).toBe(`r${TIMELINE_RUNS + 4}`);
  });

  it("shows a destination's newest stop (KMS key disabled, quota) from its alerts", () => {
    const r = report({
      records: [
        alert({
          alert: 'destination-stopped',
          destRegion: 'cn-beijing',
          errorCode: 'Old',
          time: '2026-11-26T00:00:00Z',
        }),
        alert({
          alert: 'destination-stopped',
          destRegion: 'cn-beijing',
          errorCode: 'KeyDisabled',
          time: '2026-11-27T00:00:00Z',
        }),
      ],
    });
    expect(r.destinations.find((d) => d.region === 'cn-beijing')?.lastStop?.errorCode).toBe(
      'KeyDisabled',
    );
    expect(r.destinations.find((d) => d.region === 'cn-shanghai')?.lastStop).toBeUndefined();
  });
});

describe('newestRun', () => {
  it('orders by finish time, not by text (with and without milliseconds)', () => {
    const newest = newestRun([
      run({ runId: 'a', finishedAt: '2026-11-27T10:00:00Z' }),
      run({ runId: 'b', finishedAt: '2026-11-27T10:00:00.500Z' }),
    ]);
    expect(newest?.runId).toBe('b');
  });
});

describe('buildStatusReport recovery point', () => {
  // Fixture copies name their source `s-src-<copy id>`.
  const lateCopy = copy({
    snapshotId: 's-late',
    regionId: 'cn-shanghai',
    disk: 'd-a',
    creationTime: '2026-11-27T11:00:00Z',
  });

  it('ages a copy from its source snapshot time when the source was found', () => {
    const r = report({
      copies: [lateCopy],
      sources: {
        found: new Map([['s-src-s-late', '2026-11-26T06:00:00Z']]),
        unreachable: new Set(),
      },
    });
    const c = cell(r, 'd-a', 'cn-shanghai');
    expect(c.state).toBe(RpoState.Breached);
    expect(c.newestCopy).toMatchObject({
      ageHours: 30,
      recoveryPointTime: '2026-11-26T06:00:00Z',
      copyTime: '2026-11-27T11:00:00Z',
      recoveryPointFrom: 'source-snapshot',
    });
    expect(c.newestCopy?.recoveryPointNote).toBeUndefined();
  });

  it('falls back to the copy time and names the region when the source region did not answer', () => {
    const r = report({
      copies: [lateCopy],
      sources: { found: new Map(), unreachable: new Set(['cn-hangzhou']) },
    });
    const c = cell(r, 'd-a', 'cn-shanghai');
    expect(c.newestCopy).toMatchObject({ ageHours: 1, recoveryPointFrom: 'copy-time' });
    expect(c.newestCopy?.recoveryPointNote).toContain('cn-hangzhou did not answer');
  });
});
