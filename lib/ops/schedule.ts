import { longestGapMs, type Schedule } from '../policy/cron.ts';

/**
 * The longest gap between two consecutive runs of the schedule (the same rule `validate` uses).
 * The heartbeat allows twice this, so an irregular cron ("0 0 2 * * 1-5") is judged by its
 * weekend gap, not its weekday one.
 */
export function scheduleIntervalMs(spec: Schedule): number {
  return longestGapMs(spec);
}

/** "every 30m" or "0 0 2 * * * (Asia/Shanghai)": how the schedule reads in messages. */
export function describeSchedule(spec: Schedule): string {
  if ('everyMs' in spec) return `every ${formatDuration(spec.everyMs)}`;
  return spec.timezone === undefined ? spec.expression : `${spec.expression} (${spec.timezone})`;
}

/** 90_000 → "1m30s", 7_200_000 → "2h"; for messages, not for parsing. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}
