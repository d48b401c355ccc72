import { describe, expect, it } from 'vitest';
import { longestGapMs, parseSchedule } from '../../lib/policy/cron.ts';
import { ScheduleSyntaxError } from '../../lib/policy/errors.ts';

describe('parseSchedule', () => {
  it('accepts a 6-field cron expression, seconds first, in UTC', () => {
    expect(parseSchedule('0 0 */4 * * *')).toEqual({ expression: '0 0 */4 * * *' });
  });
  it('takes the time zone from a CRON_TZ= prefix', () => {
    expect(parseSchedule('CRON_TZ=Asia/Shanghai 0 0 */4 * * *')).toEqual({
      timezone: 'Asia/Shanghai',
      expression: '0 0 */4 * * *',
    });
  });
  it('accepts @every with h, m and s units', () => {
    expect(parseSchedule('@every 30m')).toEqual({ everyMs: 30 * 60_000 });
    expect(parseSchedule('@every 1h30m')).toEqual({ everyMs: 90 * 60_000 });
  });
  it('rejects a 5-field (minutes first) expression', () => {
    expect(() => parseSchedule('0 */4 * * *')).toThrow(/6 fields/);
  });
  it('rejects an out-of-range field, naming it', () => {
    expect(() => parseSchedule('0 0 25 * * *')).toThrow(/25 is an invalid expression for hour/);
  });
  it('rejects an unknown time zone', () => {
    expect(() => parseSchedule('CRON_TZ=Mars/Olympus 0 0 4 * * *')).toThrow(/Mars\/Olympus/);
  });
  it('rejects @every below FC’s one-minute minimum', () => {
    expect(() => parseSchedule('@every 30s')).toThrow(/minimum of 1 minute/);
  });
  it('rejects an @every without a unit', () => {
    expect(() => parseSchedule('@every 30')).toThrow(/not a duration/);
  });
  it('throws ScheduleSyntaxError with code ScheduleInvalid', () => {
    const error = (() => {
      try {
        parseSchedule('nonsense');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ScheduleSyntaxError);
    expect((error as ScheduleSyntaxError).code).toBe('ScheduleInvalid');
  });
});

describe('longestGapMs', () => {
  it('is the interval of an @every schedule', () => {
    expect(longestGapMs({ everyMs: 90 * 60_000 })).toBe(90 * 60_000);
  });
  it('is the step of a regular cron schedule', () => {
    expect(longestGapMs(parseSchedule('0 0 */4 * * *'))).toBe(4 * 3_600_000);
  });
  it('spans the weekend for a weekday-only schedule', () => {
    expect(longestGapMs(parseSchedule('0 0 9 * * 1-5'))).toBe(72 * 3_600_000);
  });
});
