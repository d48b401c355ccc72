import { describe, expect, it } from 'vitest';
import { HeartbeatState } from '../../lib/ops/heartbeat.ts';
import { buildStatusReport } from '../../lib/ops/status-model.ts';
import { renderStatusText } from '../../lib/ops/status-text.ts';
import { copy, POLICY, run } from './fixtures.ts';

const now = new Date('2026-11-27T12:00:00Z');
const policy = { name: POLICY, destinations: [{ region: 'cn-beijing', rpoHours: 24 }] };

describe('renderStatusText', () => {
  it('prints one aligned row per cell with state, newest copy, age and RPO', () => {
    const text = renderStatusText(
      buildStatusReport({
        policy,
        copies: [
          copy({
            snapshotId: 's-fresh',
            regionId: 'cn-beijing',
            disk: 'd-a',
            creationTime: '2026-11-27T09:00:00Z',
          }),
          copy({
            snapshotId: 's-stale',
            regionId: 'cn-beijing',
            disk: 'd-bb',
            creationTime: '2026-11-25T12:00:00Z',
          }),
        ],
        records: [run({ runId: 'run-9', finishedAt: '2026-11-27T11:00:00Z' })],
        heartbeat: { state: HeartbeatState.Ok, intervalMs: 3_600_000, message: 'last run 1h ago' },
        now,
      }),
    );
    const rows = text.split('\n');
    const a = rows.find((l) => l.startsWith('d-a '));
    const bb = rows.find((l) => l.startsWith('d-bb '));
    expect(a).toMatch(/d-a\s+cn-hangzhou\s+cn-beijing\s+healthy\s+s-fresh\s+3\.0h\s+24h/);
    expect(bb).toMatch(/breached\s+s-stale\s+48\.0h/);
    expect(a?.indexOf('cn-beijing')).toBe(bb?.indexOf('cn-beijing'));
    expect(text).toContain('run-9');
    expect(text.trimEnd().endsWith('ALERT: RPO breached')).toBe(true);
  });

  it('says so when the heartbeat is the only problem', () => {
    const text = renderStatusText(
      buildStatusReport({
        policy,
        copies: [],
        records: [],
        heartbeat: { state: HeartbeatState.Missed, intervalMs: 1, message: 'no run recorded' },
        now,
      }),
    );
    expect(text).toContain('heartbeat: missed - no run recorded');
    expect(text.trimEnd().endsWith('ALERT: heartbeat missed')).toBe(true);
  });
});
