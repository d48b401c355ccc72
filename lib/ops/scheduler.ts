import { type Logger, type ScheduledTask, schedule } from 'node-cron';
import type { Schedule } from '../policy/cron.ts';

export interface ScheduledJob {
  /** Policy name: the overlap guard is per name. */
  name: string;
  schedule: Schedule;
  /** One run; the signal aborts when the scheduler stops (SIGTERM). */
  run(signal: AbortSignal): Promise<void>;
}

export interface SchedulerHooks {
  /** A tick came while the previous run of the same job was still going: it was skipped. */
  onSkipped?(name: string, at: Date): void;
  /** run() rejected; the scheduler keeps going. */
  onFailed?(name: string, error: unknown): void;
  /** node-cron's own warnings (missed ticks under load). */
  onWarning?(name: string, message: string): void;
}

export interface Scheduler {
  /** Stops every timer, aborts the signal of runs in flight and resolves when they have finished. */
  stop(): Promise<void>;
  /** Names of the jobs with a run in flight. */
  busy(): string[];
  /** Ticks one job now (serve --run-now), under the same overlap rule as a scheduled tick. */
  trigger(name: string): void;
}

/**
 * Runs each job on its own schedule (node-cron for cron expressions, an interval for @every)
 * and never starts a job while its previous run is in flight: that tick is skipped and
 * reported, because two runs of one policy would race for the same copies.
 */
export function startScheduler(
  jobs: readonly ScheduledJob[],
  hooks: SchedulerHooks = {},
): Scheduler {
  const controller = new AbortController();
  const inFlight = new Map<string, Promise<void>>();
  const stops: (() => void)[] = [];
  let stopped = false;

  const tick = (job: ScheduledJob) => {
    if (stopped) return;
    if (inFlight.has(job.name)) {
      hooks.onSkipped?.(job.name, new Date());
      return;
    }
    const run = (async () => {
      try {
        await job.run(controller.signal);
      } catch (error) {
        hooks.onFailed?.(job.name, error);
      } finally {
        inFlight.delete(job.name);
      }
    })();
    inFlight.set(job.name, run);
  };

  for (const job of jobs) {
    if ('everyMs' in job.schedule) {
      const timer = setInterval(() => tick(job), job.schedule.everyMs);
      stops.push(() => clearInterval(timer));
    } else {
      const task: ScheduledTask = schedule(job.schedule.expression, () => tick(job), {
        name: job.name,
        logger: cronLogger(job.name, hooks),
        ...(job.schedule.timezone === undefined ? {} : { timezone: job.schedule.timezone }),
      });
      stops.push(() => void task.destroy());
    }
  }

  return {
    async stop() {
      if (!stopped) {
        stopped = true;
        for (const stop of stops) stop();
        controller.abort();
      }
      await Promise.allSettled([...inFlight.values()]);
    },
    busy: () => [...inFlight.keys()],
    trigger(name) {
      const job = jobs.find((j) => j.name === name);
      if (job !== undefined) tick(job);
    },
  };
}

function cronLogger(name: string, hooks: SchedulerHooks): Logger {
  const warn = (message: string | Error) =>
    hooks.onWarning?.(name, message instanceof Error ? message.message : message);
  return { info: () => undefined, debug: () => undefined, warn, error: warn };
}
