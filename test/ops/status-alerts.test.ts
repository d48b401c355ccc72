import { describe, expect, it } from 'vitest';
import { HeartbeatState } from '../../lib/ops/heartbeat.ts';
import { alertsFromReport } from '../../lib/ops/status-alerts.ts';
import { buildStatusReport } from '../../lib/ops/status-model.ts';
import { copy, POLICY } from './fixtures.ts';

const now = new Date('2026-11-27T12:00:00Z');
const policy = { name: POLICY, destinations: [{ region: 'cn-beijing', rpoHours: 4 }] };

describe('alertsFromReport', () => {
  it('raises one rpo-breach per breached or copy-less cell, none for healthy or pending ones', () => {
    const report = buildStatusReport({
      policy,
      copies: [
        copy({
          snapshotId: 's-ok',
          regionId: 'cn-beijing',
          disk: 'd-ok',
          creationTime: '2026-11-27T11:00:00Z',
        }),
        copy({
          snapshotId: 's-old',
          regionId: 'cn-beijing',
          disk: 'd-old',
          creationTime: '2026-11-27T01:00:00Z',
        }),
        // First attempted 6 h ago, RPO 4 h: no recovery point, a breach.
        copy({
          snapshotId: 's-run',
          regionId: 'cn-beijing',
          disk: 'd-none',
          status: 'progressing',
          creationTime: '2026-11-27T06:00:00Z',
        }),
        // First attempted 1 h ago: pending, no alert yet.
        copy({
          snapshotId: 's-new',
          regionId: 'cn-beijing',
          disk: 'd-new',
          status: 'progressing',
          creationTime: '2026-11-27T11:00:00Z',
        }),
      ],
      records: [],
      heartbeat: { state: HeartbeatState.Ok, intervalMs: 1, message: 'ok' },
      now,
    });

    const alerts = alertsFromReport(report, 'status-1');

    expect(alerts.map((a) => [a.alert, a.diskId, a.destRegion])).toEqual([
      ['rpo-breach', 'd-none', 'cn-beijing'],
      ['rpo-breach', 'd-old', 'cn-beijing'],
    ]);
    expect(alerts[1]).toMatchObject({
      kind: 'alert',
      runId: 'status-1',
      policy: POLICY,
      sourceRegion: 'cn-hangzhou',
    });
    expect(alerts[1]?.message).toContain('11h old (RPO 4h)');
  });

  it('raises heartbeat-missed when no run came within twice the schedule', () => {
    const report = buildStatusReport({
      policy,
      copies: [],
      records: [],
      heartbeat: { state: HeartbeatState.Missed, intervalMs: 1, message: 'no run for 9h' },
      now,
    });
    expect(alertsFromReport(report, 'status-2')).toEqual([
      expect.objectContaining({ alert: 'heartbeat-missed', message: 'no run for 9h' }),
    ]);
  });
});
