import { afterEach, describe, expect, it } from 'vitest';
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

describe('runPolicy: rate limits', () => {
  it('never sends more CopySnapshot calls for the account per minute than the operator cap', async () => {
    // Two source regions, two destinations: 4 × 60 copies at 40 per minute for the whole account
    // (CopySnapshot's quota is per account, so the regions share one rate).
    bed = await startBed({
      regions: ['cn-hangzhou', 'cn-shanghai'],
      disksPerRegion: 60,
      snapshotsPerDisk: 1,
    });
    const p = policy({
      source: { regions: ['cn-hangzhou', 'cn-shanghai'], lookbackHours: 48 },
      destinations: [{ region: 'cn-beijing' }, { region: 'ap-southeast-1' }],
      limits: { requestsPerMinute: { CopySnapshot: 40 }, accountCopySnapshotsPerMinute: 40 },
    });

    const time = virtualTime(bed);
    const result = await run(bed, p, {
      cloud: time.cloud,
      tuning: { retry: FAST_RETRY, ...time.tuning },
    });

    expect(result.summary.totals.started).toBe(240);
    for (const region of ['cn-hangzhou', 'cn-shanghai']) {
      expect(bed.emu.admin.calls({ action: 'CopySnapshot', region })).toHaveLength(120);
    }
    const calls = bed.emu.admin.calls({ action: 'CopySnapshot' });
    expect(maxPerMinute(calls.map((c) => Date.parse(c.time)))).toBeLessThanOrEqual(40);
  });

  it('copies a backlog of 2 000 at the emulator quota with no Throttling and none lost', async () => {
    // The emulator's CopySnapshot quota (1000 / 60 s) is real; only the clock is virtual, so
    // the two minutes this backlog needs pass as the limiter waits.
    bed = await startBed({ disksPerRegion: 2000, snapshotsPerDisk: 1 });
    const p = policy({ destinations: [{ region: 'cn-beijing', maxConcurrentCopies: 20 }] });

    const time = virtualTime(bed, { quiesce: false });
    const result = await run(bed, p, {
      cloud: time.cloud,
      tuning: { retry: FAST_RETRY, ...time.tuning },
    });

    const throttled = bed.emu.admin
      .calls({ action: 'CopySnapshot' })
      .filter((c) => c.code.startsWith('Throttling'));
    expect(throttled).toHaveLength(0);
    expect(result.items.filter((i) => i.errorCode?.startsWith('Throttling'))).toEqual([]);
    expect(result.summary.totals.started).toBe(2000);
    expect(new Set(result.items.map((i) => i.sourceSnapshotId)).size).toBe(2000);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(2000);
  });

  it('backs off when the emulator throttles, and the backlog still gets copied', async () => {
    bed = await startBed({ disksPerRegion: 30, snapshotsPerDisk: 1 });
    bed.emu.admin.setThrottle('CopySnapshot', { perMinute: 60, burst: 3 });
    const p = policy();
    const { cloud, tuning } = virtualTime(bed); // default backoff: 500 ms base for throttling

    const first = await run(bed, p, { cloud, tuning });
    const second = await run(bed, p, { cloud, tuning });

    const throttled = bed.emu.admin
      .calls({ action: 'CopySnapshot' })
      .filter((c) => c.code.startsWith('Throttling'));
    expect(throttled.length).toBeGreaterThan(0);
    expect(first.items.some((i) => i.outcome === 'started' && i.attempts > 1)).toBe(true);
    expect(first.summary.exitCode).toBe(0);
    expect(first.summary.totals.started + second.summary.totals.started).toBe(30);
    expect(duplicatedSources(bed, 'cn-beijing')).toEqual([]);
  });
});
