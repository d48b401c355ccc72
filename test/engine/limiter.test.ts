import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BURST_FRACTION, RateLimiter, TokenBucket } from '../../lib/engine/limiter.ts';

/** A stepped clock: sleeping moves time forward instantly, so minutes pass in microseconds. */
function steppedClock() {
  let t = 0;
  return {
    clock: () => t,
    sleep: async (ms: number) => {
      t += Math.max(ms, 0);
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** The most calls any window of `windowMs` saw (windows start at each call). */
function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

describe('TokenBucket', () => {
  /** Calls the bucket lets through in each 60 s window over three minutes of demand. */
  async function busiestMinute(perMinute: number): Promise<number> {
    const { clock, sleep } = steppedClock();
    const bucket = new TokenBucket(perMinute, { clock, sleep });
    const times: number[] = [];
    for (let i = 0; i < perMinute * 3 + 5; i++) {
      await bucket.acquire();
      times.push(clock());
    }
    return maxInWindow(times, 60_000);
  }

  it('never lets more than perMinute calls through in any 60 s window', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2000 }), async (perMinute) => {
        expect(await busiestMinute(perMinute)).toBeLessThanOrEqual(perMinute);
      }),
      { numRuns: 25 },
    );
  });

  it.each([1, 2, 9, 10, 11, 900, 1000])(
    'holds at the edge rate %i per minute',
    async (perMinute) => {
      expect(await busiestMinute(perMinute)).toBeLessThanOrEqual(perMinute);
    },
  );

  it('waits instead of dropping: every caller eventually gets a token, in order', async () => {
    const { clock, sleep } = steppedClock();
    const bucket = new TokenBucket(60, { clock, sleep });
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => bucket.acquire().then(() => order.push(i))),
    );
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('lets BURST_FRACTION of the rate through at once, then spreads the rest', async () => {
    const { clock, sleep } = steppedClock();
    const bucket = new TokenBucket(600, { clock, sleep });
    expect(bucket.capacity).toBe(600 * BURST_FRACTION);
    for (let i = 0; i < bucket.capacity; i++) await bucket.acquire();
    expect(clock()).toBe(0);
    await bucket.acquire();
    expect(clock()).toBeGreaterThan(0);
  });

  it('rejects a rate below one per minute', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});

describe('RateLimiter', () => {
  it('keeps one bucket per (API, region): a busy region does not slow another', async () => {
    const { clock, sleep } = steppedClock();
    const limiter = new RateLimiter({ CopySnapshot: 10 }, { clock, sleep });
    for (let i = 0; i < 5; i++) await limiter.acquire('CopySnapshot', 'cn-hangzhou');
    const before = clock();
    await limiter.acquire('CopySnapshot', 'cn-shanghai');
    expect(clock()).toBe(before);
    expect(before).toBeGreaterThan(0);
  });

  it('uses the policy rate over the default, and the default otherwise', () => {
    const limiter = new RateLimiter({ CopySnapshot: 120 });
    expect(limiter.ratePerMinute('CopySnapshot')).toBe(120);
    expect(limiter.ratePerMinute('DescribeSnapshots')).toBe(1200);
  });
});
