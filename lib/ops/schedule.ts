import { createTask } from 'node-cron';
import type { Schedule } from '../policy/cron.ts';

/** Upcoming fire times sampled to find a cron schedule's longest gap. */
const CRON_SAMPLE_RUNS = 16;

/**
 * The longest gap between two consecutive runs of the schedule. The heartbeat allows twice
 * this, so an irregular cron ("0 0 2 * * 1-5") is judged by its weekend gap, not its weekday one.
 */
export function scheduleIntervalMs(spec: Schedule): number {
  if ('everyMs' in spec) return spec.everyMs;
  const task = createTask(spec.expression, () => undefined, {
    ...(spec.timezone === undefined ? {} : { timezone: spec.timezone }),
  });
  try {
    const runs = task.getNextRuns(CRON_SAMPLE_RUNS);
    let longest = 0;
    for (let i = 1; i < runs.length; i++) {
      const gap = runs[i]!.getTime() - runs[i - 1]!.getTime();
      longest = Math.max(longest, gap);
    }
    return longest;
  } finally {
    // createTask registers the task globally; an unstarted task holds no timer but would leak.
    void task.destroy();
  }
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
