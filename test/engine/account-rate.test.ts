import { afterEach, describe, expect, it } from 'vitest';
import { createCloudClients, quotaKey } from '../../lib/cloud/clients.ts';
import { accountGate } from '../../lib/engine/account-limiter.ts';
import {
  type Bed,
  copiesIn,
  duplicatedSources,
  FAST_RETRY,
  policy,
  run,
  startBed,
  virtualTime,
} from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

/** The most entries any 60 s window of the call log holds (windows start at each call). */
function maxPerMinute(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= 60_000) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

function copyCalls(b: Bed) {
  const calls = b.emu.admin.calls({ action: 'CopySnapshot' });
  return {
    calls,
    throttled: calls.filter((c) => c.code.startsWith('Throttling')).length,
    acceptedTimes: calls.filter((c) => c.code === 'OK').map((c) => Date.parse(c.time)),
  };
}

const SOURCES = ['cn-hangzhou', 'cn-shanghai', 'cn-shenzhen'];

describe('quotaKey', () => {
  it('names the account a key pair spends without carrying its AccessKeyId', () => {
    const key = quotaKey('LTAI5tExampleKeyId', 'http://127.0.0.1:1');
    expect(key).toBe(quotaKey('LTAI5tExampleKeyId', 'http://127.0.0.1:1'));
    expect(key).not.toContain('LTAI');
    expect(quotaKey('LTAI5tOtherKeyId', 'http://127.0.0.1:1')).not.toBe(key);
    expect(quotaKey('LTAI5tExampleKeyId', undefined)).not.toBe(key);
    const clients = createCloudClients({
      credentials: { accessKeyId: 'LTAI5tExampleKeyId', accessKeySecret: 'secret' },
      endpoint: 'http://127.0.0.1:1',
    });
    expect(clients.quotaKey).toBe(key);
  });
});

describe('CopySnapshot rate: one per account', () => {
  it('keeps three source regions together under the account cap in every 60 s window', async () => {
    bed = await startBed({ regions: SOURCES, disksPerRegion: 30, snapshotsPerDisk: 1 });
    bed.emu.admin.setThrottle('CopySnapshot', { perMinute: 60, burst: 5, scope: 'account' });
    const p = policy({
      source: { regions: SOURCES, lookbackHours: 48 },
      destinations: [{ region: 'cn-beijing', maxConcurrentCopies: 5 }],
      limits: { requestsPerMinute: { CopySnapshot: 60 }, accountCopySnapshotsPerMinute: 60 },
    });
    const time = virtualTime(bed);
    const result = await run(bed, p, {
      cloud: time.cloud,
      tuning: { retry: FAST_RETRY, ...time.tuning },
    });

    expect(result.summary.totals.started).toBe(90);
    const { throttled, acceptedTimes } = copyCalls(bed);
    expect(throttled).toBe(0);
    expect(maxPerMinute(acceptedTimes)).toBeLessThanOrEqual(60);
    // ...and the three regions did not wait for each other more than the cap asks: 90 calls at
    // 59 a minute need a little over 1.5 minutes.
    const span = Math.max(...acceptedTimes) - Math.min(...acceptedTimes);
    expect(span).toBeLessThan(2 * 60_000);
    expect(duplicatedSources(bed, 'cn-beijing')).toEqual([]);
  });

  it('shares the cap between two policies running at once on the same account', async () => {
    bed = await startBed({ regions: ['cn-hangzhou'], disksPerRegion: 40, snapshotsPerDisk: 1 });
    bed.emu.admin.setThrottle('CopySnapshot', { perMinute: 60, burst: 5, scope: 'account' });
    const limits = { requestsPerMinute: { CopySnapshot: 30 }, accountCopySnapshotsPerMinute: 30 };
    const a = policy({ name: 'dr-a', destinations: [{ region: 'cn-beijing' }], limits });
    const b = policy({ name: 'dr-b', destinations: [{ region: 'ap-southeast-1' }], limits });
    const time = virtualTime(bed);
    const tuning = { retry: FAST_RETRY, ...time.tuning };
    const [ra, rb] = await Promise.all([
      run(bed, a, { cloud: time.cloud, tuning }),
      run(bed, b, { cloud: time.cloud, tuning }),
    ]);

    expect(ra.summary.totals.started + rb.summary.totals.started).toBe(80);
    const { acceptedTimes } = copyCalls(bed);
    expect(maxPerMinute(acceptedTimes)).toBeLessThanOrEqual(30);
    expect(copiesIn(bed, 'cn-beijing', 'dr-a')).toHaveLength(40);
    expect(copiesIn(bed, 'ap-southeast-1', 'dr-b')).toHaveLength(40);
  });
});

describe('CopySnapshot rate: adapts to what the account has left', () => {
  it('backs off beside another caller instead of being throttled at its configured rate', async () => {
    bed = await startBed({ regions: ['cn-hangzhou'], disksPerRegion: 150, snapshotsPerDisk: 1 });
    // 120 a minute, half of it taken by another caller: 60 left, the engine starts at 120.
    bed.emu.admin.setThrottle('CopySnapshot', {
      perMinute: 120,
      burst: 4,
      scope: 'account',
      competitorShare: 0.5,
    });
    const p = policy({
      limits: { requestsPerMinute: { CopySnapshot: 120 }, accountCopySnapshotsPerMinute: 120 },
    });
    const time = virtualTime(bed);
    const result = await run(bed, p, { cloud: time.cloud, tuning: time.tuning });

    expect(result.summary.totals.started).toBe(150);
    expect(duplicatedSources(bed, 'cn-beijing')).toEqual([]);
    const { calls, throttled } = copyCalls(bed);
    // It had to learn the rate (some throttles), but a fixed 120/min would see about one call
    // in two refused.
    expect(throttled).toBeGreaterThan(0);
    expect(throttled / calls.length).toBeLessThan(0.15);
    const gate = accountGate(bed.cloud.quotaKey ?? 'default', {
      startPerMinute: 120,
      ceilingPerMinute: 120,
      clock: time.tuning.clock,
    });
    expect(gate.state().perMinute).toBeLessThan(120);
  });

  it('slows down under random throttling and still copies everything once', async () => {
    bed = await startBed({ regions: ['cn-hangzhou'], disksPerRegion: 60, snapshotsPerDisk: 1 });
    bed.emu.admin.setThrottle('CopySnapshot', {
      perMinute: 1000,
      scope: 'account',
      probability: 0.2,
    });
    const p = policy({ limits: { maxAttempts: 10 } });
    const time = virtualTime(bed);
    const result = await run(bed, p, {
      cloud: time.cloud,
      tuning: { retry: FAST_RETRY, ...time.tuning },
    });

    expect(result.summary.totals.started).toBe(60);
    expect(result.items.some((i) => i.attempts > 1)).toBe(true);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(60);
    expect(duplicatedSources(bed, 'cn-beijing')).toEqual([]);
    const gate = accountGate(bed.cloud.quotaKey ?? 'default', {
      startPerMinute: 900,
      ceilingPerMinute: 1000,
      clock: time.tuning.clock,
    });
    expect(gate.state().throttles).toBe(copyCalls(bed).throttled);
    expect(gate.state().perMinute).toBeLessThan(900);
  });
});
