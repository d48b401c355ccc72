import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Scheduler, startScheduler } from '../../lib/ops/scheduler.ts';

/** A run the test finishes by hand, to hold a policy "in flight" across ticks. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

let scheduler: Scheduler | undefined;

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-27T12:00:00.000Z') });
});

afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
  vi.useRealTimers();
});

describe('startScheduler', () => {
  it('runs an @every job once per interval', async () => {
    const runs: number[] = [];
    scheduler = startScheduler([
      { name: 'p', schedule: { everyMs: 60_000 }, run: async () => void runs.push(Date.now()) },
    ]);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(runs).toHaveLength(3);
  });

  it('runs a 6-field cron job on its seconds-first schedule', async () => {
    let count = 0;
    scheduler = startScheduler([
      { name: 'p', schedule: { expression: '*/10 * * * * *' }, run: async () => void count++ },
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(count).toBe(6);
  });

  it('skips and reports a tick while the previous run of the same policy is in flight', async () => {
    const gate = deferred();
    let started = 0;
    const skipped: string[] = [];
    scheduler = startScheduler(
      [
        {
          name: 'slow',
          schedule: { everyMs: 1_000 },
          run: async () => {
            started++;
            await gate.promise;
          },
        },
      ],
      { onSkipped: (name) => skipped.push(name) },
    );

    await vi.advanceTimersByTimeAsync(3_000);
    expect(started).toBe(1);
    expect(skipped).toEqual(['slow', 'slow']);
    expect(scheduler.busy()).toEqual(['slow']);

    gate.resolve();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toBe(2);
  });

  it('lets different policies run at the same time', async () => {
    const gate = deferred();
    scheduler = startScheduler([
      { name: 'a', schedule: { everyMs: 1_000 }, run: () => gate.promise },
      { name: 'b', schedule: { everyMs: 1_000 }, run: () => gate.promise },
    ]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(scheduler.busy().sort()).toEqual(['a', 'b']);
    gate.resolve();
  });

  it('on stop aborts the run signal, waits for the run to finish and starts nothing more', async () => {
    let started = 0;
    let finishedAfterAbort = false;
    scheduler = startScheduler([
      {
        name: 'p',
        schedule: { everyMs: 1_000 },
        run: async (signal) => {
          started++;
          // The engine finishes in-flight calls and writes its records once aborted.
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
          await Promise.resolve();
          finishedAfterAbort = signal.aborted;
        },
      },
    ]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(started).toBe(1);

    await scheduler.stop();
    expect(finishedAfterAbort).toBe(true);
    expect(scheduler.busy()).toEqual([]);

    await vi.advanceTimersByTimeAsync(5_000);
    expect(started).toBe(1);
  });

  it('reports a run that throws and keeps scheduling', async () => {
    const failures: unknown[] = [];
    let calls = 0;
    scheduler = startScheduler(
      [
        {
          name: 'p',
          schedule: { everyMs: 1_000 },
          run: async () => {
            calls++;
            throw new Error('boom');
          },
        },
      ],
      { onFailed: (_name, error) => failures.push(error) },
    );
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toBe(2);
    expect(failures).toHaveLength(2);
  });
});
