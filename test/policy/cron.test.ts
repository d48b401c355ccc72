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
  it('accepts @every in whole minutes, FC’s documented unit', () => {
    expect(parseSchedule('@every 30m')).toEqual({ everyMs: 30 * 60_000 });
    expect(parseSchedule('@every 90m')).toEqual({ everyMs: 90 * 60_000 });
  });
  it('refuses @every in hours or seconds, which FC does not document, and says the minutes', () => {
    expect(() => parseSchedule('@every 1h')).toThrow(
      /whole minutes only \(1h would be @every 60m\)/,
    );
    expect(() => parseSchedule('@every 90s')).toThrow(/whole minutes only/);
    expect(() => parseSchedule('@every 1h30m')).toThrow(/@every 90m/);
  });
  it('accepts FC’s start/step fields (`0/30`) and runs them as node-cron’s `0-59/30`', () => {
    const schedule = parseSchedule('0 0/30 * * * *');
    expect(schedule).toEqual({ expression: '0 0-59/30 * * * *' });
    expect(longestGapMs(schedule)).toBe(30 * 60_000);
    expect(parseSchedule('CRON_TZ=Asia/Shanghai 0 15/20 1/6 * * *')).toEqual({
      timezone: 'Asia/Shanghai',
      expression: '0 15-59/20 1-23/6 * * *',
    });
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
  it('rejects @every below FC’s one-minute minimum: 1m is the least', () => {
    expect(() => parseSchedule('@every 0m')).toThrow(/minimum of 1 minute/);
    expect(parseSchedule('@every 1m')).toEqual({ everyMs: 60_000 });
  });
  it('rejects an @every without a unit', () => {
    expect(() => parseSchedule('@every 30')).toThrow(/not an interval in minutes/);
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
