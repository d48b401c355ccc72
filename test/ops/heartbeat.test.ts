import { describe, expect, it } from 'vitest';
import { checkHeartbeat, HeartbeatState } from '../../lib/ops/heartbeat.ts';

const HOUR = 3_600_000;
const now = new Date('2026-11-27T12:00:00Z');
const searchedFrom = new Date('2026-11-20T12:00:00Z');

describe('checkHeartbeat', () => {
  it('is ok while the newest run is within twice the schedule interval', () => {
    const status = checkHeartbeat({
      lastRun: { runId: 'r1', finishedAt: '2026-11-27T04:30:00Z' },
      intervalMs: 4 * HOUR,
      now,
      historyAvailable: true,
      searchedFrom,
    });
    expect(status.state).toBe(HeartbeatState.Ok);
    expect(status.dueBy).toBe('2026-11-27T12:30:00.000Z');
  });

  it('is missed once the newest run is older than twice the interval', () => {
    const status = checkHeartbeat({
      lastRun: { runId: 'r1', finishedAt: '2026-11-27T03:59:00Z' },
      intervalMs: 4 * HOUR,
      now,
      historyAvailable: true,
      searchedFrom,
    });
    expect(status.state).toBe(HeartbeatState.Missed);
    expect(status.lastRunId).toBe('r1');
    expect(status.message).toMatch(/no run for 8h1m/);
  });

  it('is missed when the log store holds no run at all', () => {
    const status = checkHeartbeat({ intervalMs: HOUR, now, historyAvailable: true, searchedFrom });
    expect(status.state).toBe(HeartbeatState.Missed);
    expect(status.message).toContain('2026-11-20T12:00:00.000Z');
  });

  it('is unknown, not missed, when the policy keeps no readable history', () => {
    const status = checkHeartbeat({ intervalMs: HOUR, now, historyAvailable: false, searchedFrom });
    expect(status.state).toBe(HeartbeatState.Unknown);
  });
});
