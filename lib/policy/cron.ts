import { createTask, validateDetailed } from 'node-cron';
import { ScheduleSyntaxError } from './errors.ts';

/**
 * The FC timer trigger syntax: a 6-field cron expression with seconds first, evaluated in UTC
 * unless prefixed with `CRON_TZ=Area/City `, or `@every <n>m`. FC documents the interval in
 * whole minutes only (the console's "every n minutes"), so `@every 1h` or `@every 90s`, which
 * other cron dialects accept, are refused here rather than by FC at deploy time.
 */
export type Schedule = { timezone?: string; expression: string } | { everyMs: number };

/** FC fires timers at most once a minute. */
export const MIN_EVERY_MS = 60_000;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parseEvery(duration: string): { everyMs: number } {
  const minutes = /^(\d+)m$/.exec(duration);
  if (!minutes) {
    const hint = /^(?:\d+[hms])+$/.test(duration)
      ? `FC takes @every in whole minutes only (${duration} would be @every ${suggestMinutes(duration)})`
      : 'not an interval in minutes';
    throw new ScheduleSyntaxError(
      `"@every ${duration}": ${hint}; use e.g. @every 30m or @every 240m`,
    );
  }
  const everyMs = Number(minutes[1]) * 60_000;
  if (everyMs < MIN_EVERY_MS) {
    throw new ScheduleSyntaxError(`@every ${duration} is shorter than FC's minimum of 1 minute`);
  }
  return { everyMs };
}

/** "1h30m" -> "90m"; "90s" -> "2m" (rounded up: FC cannot fire more often than a minute). */
function suggestMinutes(duration: string): string {
  const unit = { h: 3600, m: 60, s: 1 } as const;
  let seconds = 0;
  for (const m of duration.matchAll(/(\d+)([hms])/g)) {
    seconds += Number(m[1]) * unit[m[2] as keyof typeof unit];
  }
  return `${Math.max(1, Math.ceil(seconds / 60))}m`;
}

/** The largest value of each field, seconds first: what `start/step` runs up to. */
const FIELD_MAX = [59, 59, 23, 31, 12, 7] as const;

/**
 * FC (like Quartz) writes "from n every s" as `n/s` (`0 0/30 * * * *`); node-cron, which checks
 * and runs the schedule here, only knows `n-max/s`, which fires at the same times.
 */
function expandStartStep(field: string, index: number): string {
  return field
    .split(',')
    .map((part) => {
      const m = /^(\d+)\/(\d+)$/.exec(part);
      return m ? `${m[1]}-${FIELD_MAX[index] ?? 59}/${m[2]}` : part;
    })
    .join(',');
}

/** Parses and validates a schedule; throws ScheduleSyntaxError with a message fit for the user. */
export function parseSchedule(s: string): Schedule {
  let rest = s.trim();
  const every = /^@every\s+(\S+)$/.exec(rest);
  if (every) return parseEvery(every[1] ?? '');
  let timezone: string | undefined;
  const tz = /^CRON_TZ=(\S*)\s+/.exec(rest);
  if (tz) {
    timezone = tz[1] ?? '';
    if (!isTimeZone(timezone) || timezone === '') {
      throw new ScheduleSyntaxError(
        `CRON_TZ=${timezone} is not a known time zone; use an IANA name such as Asia/Shanghai`,
      );
    }
    rest = rest.slice(tz[0].length).trim();
  }
  const fields = rest.split(/\s+/).filter(Boolean);
  if (fields.length !== 6) {
    throw new ScheduleSyntaxError(
      `a cron schedule needs 6 fields, seconds first (e.g. "0 0 */4 * * *"); found ${fields.length}`,
    );
  }
  const expression = fields.map(expandStartStep).join(' ');
  const check = validateDetailed(expression);
  if (!check.valid) {
    const why = check.errors
      .map((e) => e.message.replace(' a invalid ', ' an invalid '))
      .join('; ');
    throw new ScheduleSyntaxError(`invalid cron expression "${expression}": ${why}`);
  }
  return timezone === undefined ? { expression } : { timezone, expression };
}

/** Upcoming runs `longestGapMs` starts with; it samples more until it has seen a week and a day. */
const GAP_SAMPLE_RUNS = 150;
const GAP_SAMPLE_SPAN_MS = 8 * 86_400_000;
const GAP_SAMPLE_MAX_RUNS = 20_000;

/**
 * The longest wait between two runs of a schedule, sampled over at least eight days of runs so
 * a weekday-only schedule shows its weekend gap whatever its frequency. The one rule for
 * `validate` (can an RPO be met at all) and the heartbeat of `status` and `serve`.
 */
export function longestGapMs(schedule: Schedule): number {
  if ('everyMs' in schedule) return schedule.everyMs;
  const options = schedule.timezone === undefined ? {} : { timezone: schedule.timezone };
  // A created task is not started; it is only asked for its next run times, then destroyed.
  const task = createTask(schedule.expression, () => {}, options);
  try {
    let count = GAP_SAMPLE_RUNS;
    for (;;) {
      const runs = task.getNextRuns(count);
      const span = (runs[runs.length - 1]?.getTime() ?? 0) - (runs[0]?.getTime() ?? 0);
      if (span >= GAP_SAMPLE_SPAN_MS || runs.length < count || count >= GAP_SAMPLE_MAX_RUNS) {
        let longest = 0;
        for (let i = 1; i < runs.length; i++) {
          longest = Math.max(longest, (runs[i]?.getTime() ?? 0) - (runs[i - 1]?.getTime() ?? 0));
        }
        return longest;
      }
      count = Math.min(
        GAP_SAMPLE_MAX_RUNS,
        Math.ceil((count * GAP_SAMPLE_SPAN_MS) / Math.max(span, 1)) + 1,
      );
    }
  } finally {
    void task.destroy();
  }
}
