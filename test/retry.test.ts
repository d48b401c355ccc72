import { describe, expect, it } from 'vitest';
import { Jitter, retry } from '../lib/retry.ts';
import { recordingSleep } from './support/recording-sleep.ts';

/** Fails `failures` times with errors named fail-1, fail-2, ..., then answers the attempt. */
function failing(failures: number) {
  return async (attempt: number) => {
    if (attempt <= failures) throw new Error(`fail-${attempt}`);
    return attempt;
  };
}

describe('retry', () => {
  it('retries until the call succeeds and says how many attempts it took', async () => {
    const { delays, sleep } = recordingSleep();
    const result = await retry(failing(2), { attempts: 4, baseDelayMs: 100, sleep });
    expect(result).toEqual({ value: 3, attempts: 3 });
    expect(delays).toHaveLength(2);
  });

  it('backs off with full jitter under a ceiling that doubles up to the cap', async () => {
    const { delays, sleep } = recordingSleep();
    await retry(failing(4), {
      attempts: 5,
      baseDelayMs: 100,
      maxDelayMs: 300,
      sleep,
      random: () => 0.5,
    });
    expect(delays).toEqual([50, 100, 150, 150]);
  });

  it('waits whole milliseconds or the ceiling itself when asked', async () => {
    const whole = recordingSleep();
    await retry(failing(2), {
      attempts: 3,
      baseDelayMs: 333,
      jitter: Jitter.FullWholeMs,
      sleep: whole.sleep,
      random: () => 0.5,
    });
    expect(whole.delays).toEqual([166, 333]);
    const fixed = recordingSleep();
    await retry(failing(3), {
      attempts: 4,
      baseDelayMs: 1000,
      jitter: Jitter.None,
      sleep: fixed.sleep,
    });
    expect(fixed.delays).toEqual([1000, 2000, 4000]);
  });

  it('gives up at once on what classify calls final, and after the last attempt', async () => {
    const stops: string[] = [];
    const giveUp = (error: unknown, stop: { attempts: number; reason: string }) => {
      stops.push(`${(error as Error).message}:${stop.reason}:${stop.attempts}`);
      return error;
    };
    const { sleep } = recordingSleep();
    await expect(
      retry(failing(5), { attempts: 5, baseDelayMs: 1, classify: () => false, giveUp, sleep }),
    ).rejects.toThrow('fail-1');
    await expect(retry(failing(5), { attempts: 3, baseDelayMs: 1, giveUp, sleep })).rejects.toThrow(
      'fail-3',
    );
    expect(stops).toEqual(['fail-1:fatal:1', 'fail-3:attempts:3']);
  });

  it('starts no attempt whose wait would pass the time cap', async () => {
    let clock = 0;
    const sleep = async (ms: number) => {
      clock += ms;
    };
    const reasons: string[] = [];
    await expect(
      retry(failing(10), {
        attempts: 10,
        baseDelayMs: 100,
        maxTotalMs: 1000,
        jitter: Jitter.None,
        now: () => clock,
        sleep,
        giveUp: (error, stop) => {
          reasons.push(`${stop.reason}:${stop.attempts}`);
          return error;
        },
      }),
    ).rejects.toThrow('fail-4');
    // Waits 100 + 200 + 400 = 700; the next ceiling (800) would end past 1000.
    expect(reasons).toEqual(['time:4']);
    expect(clock).toBe(700);
  });

  it('stops when the signal aborted or beforeWait refuses the wait', async () => {
    const controller = new AbortController();
    controller.abort();
    const reasons: string[] = [];
    const giveUp = (error: unknown, stop: { reason: string }) => {
      reasons.push(stop.reason);
      return error;
    };
    await expect(
      retry(failing(3), { attempts: 5, baseDelayMs: 1, signal: controller.signal, giveUp }),
    ).rejects.toThrow('fail-1');
    await expect(
      retry(failing(3), { attempts: 5, baseDelayMs: 1, beforeWait: () => 'budget', giveUp }),
    ).rejects.toThrow('fail-1');
    expect(reasons).toEqual(['aborted', 'budget']);
  });

  it('uses the base delay classify gives for one error', async () => {
    const { delays, sleep } = recordingSleep();
    await retry(failing(2), {
      attempts: 3,
      baseDelayMs: 100,
      classify: (_error, attempt) => (attempt === 1 ? { baseDelayMs: 500 } : true),
      sleep,
      random: () => 1,
    });
    expect(delays).toEqual([500, 200]);
  });
});
