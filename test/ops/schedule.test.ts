import { describe, expect, it } from 'vitest';
import { describeSchedule, formatDuration, scheduleIntervalMs } from '../../lib/ops/schedule.ts';

describe('scheduleIntervalMs', () => {
  it('is the interval itself for an @every schedule', () => {
    expect(scheduleIntervalMs({ everyMs: 30 * 60_000 })).toBe(30 * 60_000);
  });

  it('is the gap between runs of a regular 6-field cron (seconds first)', () => {
    expect(scheduleIntervalMs({ expression: '0 0 */4 * * *' })).toBe(4 * 3_600_000);
  });

  it('is the longest gap of an irregular cron, so weekends do not raise false alarms', () => {
    // Weekdays at 02:00: the Friday-to-Monday gap is three days.
    expect(scheduleIntervalMs({ expression: '0 0 2 * * 1-5' })).toBe(3 * 86_400_000);
  });
});

describe('describeSchedule', () => {
  it('reads an @every schedule as a duration', () => {
    expect(describeSchedule({ everyMs: 90_000 })).toBe('every 1m30s');
  });

  it('shows the zone next to a cron expression', () => {
    expect(describeSchedule({ expression: '0 0 2 * * *', timezone: 'Asia/Shanghai' })).toBe(
      '0 0 2 * * * (Asia/Shanghai)',
    );
  });
});

describe('formatDuration', () => {
  it('joins days, hours, minutes and seconds, leaving out zero units', () => {
    expect(formatDuration(86_400_000 + 2 * 3_600_000 + 5_000)).toBe('1d2h5s');
  });

  it('keeps sub-second durations in milliseconds', () => {
    expect(formatDuration(250)).toBe('250ms');
  });
});

describe('scheduleIntervalMs and validate agree', () => {
  it('sees the weekend gap of a frequent weekday-only schedule (one rule for both)', async () => {
    const { longestGapMs } = await import('../../lib/policy/cron.ts');
    const spec = { expression: '0 0 */4 * * 1-5' };
    // Friday 20:00 to Monday 00:00.
    expect(scheduleIntervalMs(spec)).toBe(52 * 3_600_000);
    expect(scheduleIntervalMs(spec)).toBe(longestGapMs(spec));
  });

  it('sees the weekend gap of an every-minute weekday schedule', () => {
    expect(scheduleIntervalMs({ expression: '0 * * * * 1-5' })).toBe(48 * 3_600_000 + 60_000);
  });
});
