import { describe, expect, it } from 'vitest';
import { AccountGate, accountGate } from '../../lib/engine/account-limiter.ts';
import { ADAPTIVE_DEFAULTS, AdaptiveRate } from '../../lib/engine/adaptive-rate.ts';
import { RateLimiter } from '../../lib/engine/limiter.ts';

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

/** Answers `n` successes spread evenly over `ms` of the clock. */
function succeed(rate: AdaptiveRate, time: ReturnType<typeof steppedClock>, n: number, ms: number) {
  for (let i = 0; i < n; i++) {
    time.advance(ms / n);
    rate.onSuccess();
  }
}

function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

describe('AdaptiveRate', () => {
  it('starts at the configured rate', () => {
    const time = steppedClock();
    const rate = new AdaptiveRate({ startPerMinute: 900, ceilingPerMinute: 1000, ...time });
    expect(rate.perMinute).toBe(900);
  });

  it('climbs along a cubic while calls succeed and stops at the ceiling', () => {
    const time = steppedClock();
    const rate = new AdaptiveRate({ startPerMinute: 600, ceilingPerMinute: 1000, ...time });
    succeed(rate, time, 10, 10_000);
    // 0.02 × 10³ + 600 = 620 after 10 s: a slow start near the last good rate...
    expect(rate.perMinute).toBeCloseTo(600 + ADAPTIVE_DEFAULTS.scalePerMinute * 1000, 5);
    succeed(rate, time, 20, 20_000);
    // ...then faster: 0.02 × 30³ + 600 = 1140, held at the ceiling.
    expect(rate.perMinute).toBe(1000);
  });

  it('drops to beta times the rate it was sending at on a throttle', () => {
    const time = steppedClock();
    const rate = new AdaptiveRate({ startPerMinute: 1000, ceilingPerMinute: 1000, ...time });
    // 10 answers a second for 5 s: the measured rate is 600/min, under the allowed 1000.
    succeed(rate, time, 50, 5_000);
    time.advance(100);
    rate.onThrottle();
    expect(rate.perMinute).toBeCloseTo(600 * ADAPTIVE_DEFAULTS.beta, 0);
    expect(rate.state().lastMaxPerMinute).toBeCloseTo(600, 0);
  });

  it('backs off once for a burst of throttles answering calls already in flight', () => {
    const time = steppedClock();
    const rate = new AdaptiveRate({ startPerMinute: 1000, ceilingPerMinute: 1000, ...time });
    time.advance(5_000);
    rate.onThrottle();
    const after = rate.perMinute;
    for (let i = 0; i < 5; i++) {
      time.advance(50);
      rate.onThrottle();
    }
    expect(rate.perMinute).toBe(after);
    expect(rate.state().throttles).toBe(6);
    // A throttle after the answers in flight are in is a new overload: it backs off again.
    time.advance(2_000);
    rate.onThrottle();
    expect(rate.perMinute).toBeLessThan(after);
  });

  it('climbs back to the throttled rate in K = cbrt(W·(1−β)/C) seconds, then probes past it', () => {
    const time = steppedClock();
    const rate = new AdaptiveRate({ startPerMinute: 700, ceilingPerMinute: 1000, ...time });
    time.advance(5_000);
    rate.onThrottle();
    const k = Math.cbrt((700 * (1 - ADAPTIVE_DEFAULTS.beta)) / ADAPTIVE_DEFAULTS.scalePerMinute);
    succeed(rate, time, 100, k * 1000);
    expect(rate.perMinute).toBeCloseTo(700, 0);
    succeed(rate, time, 50, 5_000);
    expect(rate.perMinute).toBeGreaterThan(700);
  });

  it('never goes below the floor, however many throttles', () => {
    const time = steppedClock();
    const rate = new AdaptiveRate({ startPerMinute: 900, ceilingPerMinute: 1000, ...time });
    for (let i = 0; i < 50; i++) {
      time.advance(5_000);
      rate.onThrottle();
    }
    expect(rate.perMinute).toBe(ADAPTIVE_DEFAULTS.floorPerMinute);
  });

  it('takes a lower ceiling at once and ignores a higher one', () => {
    const time = steppedClock();
    const rate = new AdaptiveRate({ startPerMinute: 900, ceilingPerMinute: 1000, ...time });
    rate.lowerCeiling(500);
    expect(rate.perMinute).toBe(500);
    rate.lowerCeiling(2000);
    expect(rate.ceilingPerMinute).toBe(500);
  });

  it('rejects a rate that is not positive', () => {
    const time = steppedClock();
    expect(() => new AdaptiveRate({ startPerMinute: 0, ceilingPerMinute: 1000, ...time })).toThrow(
      RangeError,
    );
  });
});

describe('AccountGate', () => {
  it('never lets more than the ceiling through in any 60 s window, whatever the rate does', async () => {
    const time = steppedClock();
    const gate = new AccountGate({ startPerMinute: 1000, ceilingPerMinute: 120, ...time });
    const times: number[] = [];
    for (let i = 0; i < 600; i++) {
      await gate.acquire();
      times.push(time.clock());
      gate.onSuccess();
    }
    expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(120);
    // ...and it still uses most of it: 5 minutes of calls at close to the ceiling.
    expect(times.at(-1)! - times[0]!).toBeLessThan(5.2 * 60_000);
  });

  it('slows down after a throttle and speeds up again as calls succeed', async () => {
    const time = steppedClock();
    const gate = new AccountGate({ startPerMinute: 600, ceilingPerMinute: 600, ...time });
    const gap = async () => {
      const before = time.clock();
      await gate.acquire();
      return time.clock() - before;
    };
    for (let i = 0; i < 30; i++) {
      await gate.acquire();
      gate.onSuccess();
    }
    const steady = await gap();
    gate.onThrottle();
    const slowed = await gap();
    expect(slowed).toBeGreaterThan(steady);
    for (let i = 0; i < 600; i++) {
      await gate.acquire();
      gate.onSuccess();
    }
    expect(gate.state().perMinute).toBe(600);
  });

  it('is one gate per account and clock: a second run of the account shares the first one', () => {
    const time = steppedClock();
    const a = accountGate('acct-1', { startPerMinute: 900, ceilingPerMinute: 1000, ...time });
    const b = accountGate('acct-1', { startPerMinute: 900, ceilingPerMinute: 800, ...time });
    const other = accountGate('acct-2', { startPerMinute: 900, ceilingPerMinute: 1000, ...time });
    expect(b).toBe(a);
    expect(other).not.toBe(a);
    // The strictest cap of the policies sharing the account holds for all of them.
    expect(a.state().ceilingPerMinute).toBe(800);
    const elsewhere = steppedClock();
    expect(
      accountGate('acct-1', { startPerMinute: 900, ceilingPerMinute: 1000, ...elsewhere }),
    ).not.toBe(a);
  });
});

describe('RateLimiter with a shared gate', () => {
  it('sends every region of a shared API through the one gate and feeds it the answers', async () => {
    const time = steppedClock();
    const gate = new AccountGate({ startPerMinute: 60, ceilingPerMinute: 60, ...time });
    const limiter = new RateLimiter({}, { ...time, shared: { CopySnapshot: gate } });
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const region = ['cn-hangzhou', 'cn-shanghai', 'cn-shenzhen'][i % 3]!;
      await limiter.acquire('CopySnapshot', region);
      times.push(time.clock());
    }
    // 30 calls from three regions at 60 per minute for the account take about half a minute.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(28_000);
    limiter.answered('CopySnapshot', true);
    expect(gate.state().throttles).toBe(1);
    limiter.answered('DescribeSnapshots', true);
    expect(gate.state().throttles).toBe(1);
  });
});
