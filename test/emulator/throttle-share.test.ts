import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator, ThrottleStats } from '../../emulator/index.ts';
import { seededRandom } from '../../emulator/model/ids.ts';
import { Throttler } from '../../emulator/policy/throttle.ts';
import { popClient, popFailure, start } from './support/clients.ts';

describe('Throttler: account-wide rules', () => {
  it('meters CopySnapshot per account by default: all regions share one bucket', () => {
    const t = new Throttler();
    t.set('CopySnapshot', { perMinute: 2, scope: 'account' });
    expect(t.take('CopySnapshot', 'cn-hangzhou', 0)).toBe(true);
    expect(t.take('CopySnapshot', 'cn-shanghai', 0)).toBe(true);
    expect(t.take('CopySnapshot', 'cn-shenzhen', 0)).toBe(false);
    expect(new Throttler().list().CopySnapshot).toEqual({ perMinute: 1000, scope: 'account' });
  });

  it('keeps a region rule separate from the account bucket', () => {
    const t = new Throttler();
    t.set('CopySnapshot', { perMinute: 1, scope: 'account' });
    t.set('CopySnapshot', { perMinute: 1, region: 'cn-beijing' });
    expect(t.take('CopySnapshot', 'cn-hangzhou', 0)).toBe(true);
    expect(t.take('CopySnapshot', 'cn-shanghai', 0)).toBe(false);
    expect(t.take('CopySnapshot', 'cn-beijing', 0)).toBe(true);
  });
});

describe('Throttler: a competing caller', () => {
  it('spends its share of the quota as virtual time passes, before our calls', () => {
    const t = new Throttler();
    // 600 a minute, a burst of 10, another caller taking 40 %: 360 a minute are left for us.
    t.set('CopySnapshot', { perMinute: 600, burst: 10, scope: 'account', competitorShare: 0.4 });
    let ours = 0;
    for (let ms = 0; ms < 10 * 60_000; ms += 10) {
      if (t.take('CopySnapshot', 'cn-hangzhou', ms)) ours += 1;
    }
    // The first burst of 10 plus 360 a minute for 10 minutes.
    expect(ours).toBeGreaterThanOrEqual(3_600);
    expect(ours).toBeLessThanOrEqual(3_611);
    const stats = t.stats(10 * 60_000).CopySnapshot as ThrottleStats;
    expect(stats.competitor.served).toBeCloseTo(2_400, 0);
    expect(stats.competitor.refused).toBe(0);
  });

  it('leaves the whole quota to us at share 0, and accepts a share just under 1', () => {
    const t = new Throttler();
    t.set('CopySnapshot', { perMinute: 60, burst: 1, competitorShare: 0 });
    expect(t.take('CopySnapshot', 'r', 0)).toBe(true);
    expect(t.take('CopySnapshot', 'r', 1_000)).toBe(true);
    t.set('CopySnapshot', { perMinute: 60, burst: 1, competitorShare: 0.999 });
    expect(t.take('CopySnapshot', 'r', 0)).toBe(true);
    expect(t.take('CopySnapshot', 'r', 1_000)).toBe(false);
  });

  it('rejects a share of 1 or more, or below 0', () => {
    const t = new Throttler();
    expect(() => t.set('CopySnapshot', { perMinute: 60, competitorShare: 1 })).toThrow(
      /competitorShare/,
    );
    expect(() => t.set('CopySnapshot', { perMinute: 60, competitorShare: -0.1 })).toThrow(
      /competitorShare/,
    );
  });
});

describe('Throttler: throttling by probability', () => {
  it('refuses about that share of calls whatever the bucket holds', () => {
    const t = new Throttler();
    t.set('DescribeSnapshots', { perMinute: 1_000_000, probability: 0.25 });
    const random = seededRandom(3);
    let refused = 0;
    for (let i = 0; i < 4_000; i++) if (!t.take('DescribeSnapshots', 'r', i, random)) refused += 1;
    expect(refused / 4_000).toBeGreaterThan(0.22);
    expect(refused / 4_000).toBeLessThan(0.28);
    expect(t.stats(4_000)['DescribeSnapshots@r']?.refusedByChance).toBe(refused);
  });

  it('refuses none at 0 and all at 1, and rejects anything outside [0, 1]', () => {
    const t = new Throttler();
    t.set('DescribeSnapshots', { perMinute: 1_000, probability: 0 });
    expect(t.take('DescribeSnapshots', 'r', 0, () => 0)).toBe(true);
    t.set('DescribeSnapshots', { perMinute: 1_000, probability: 1 });
    expect(t.take('DescribeSnapshots', 'r', 0, () => 0.999)).toBe(false);
    expect(() => t.set('DescribeSnapshots', { perMinute: 1, probability: 1.01 })).toThrow(
      /probability/,
    );
  });
});

describe('emulator: shared quota over the wire', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start();
  });
  afterAll(() => emu.stop());
  beforeEach(() => emu.admin.reset());

  const describeIn = (region: string) =>
    popClient(emu).request('DescribeSnapshots', { RegionId: region });

  it('answers Throttling.User to any region once the account bucket is empty', async () => {
    emu.admin.setThrottle('DescribeSnapshots', { perMinute: 2, burst: 2, scope: 'account' });
    await describeIn('cn-hangzhou');
    await describeIn('cn-shanghai');
    expect((await popFailure(describeIn('cn-beijing'))).code).toBe('Throttling.User');
    emu.admin.advanceClock(30);
    await expect(describeIn('cn-beijing')).resolves.toBeDefined();
  });

  it('sets a competitor and probability over the admin API and reports what they did', async () => {
    const post = await fetch(`${emu.url}/_emulator/throttles`, {
      method: 'POST',
      body: JSON.stringify({
        api: 'DescribeSnapshots',
        perMinute: 60,
        burst: 5,
        scope: 'account',
        competitorShare: 0.5,
      }),
    });
    expect(post.status).toBe(200);
    await describeIn('cn-hangzhou');
    emu.admin.advanceClock(60);
    const stats = (await (await fetch(`${emu.url}/_emulator/throttles/stats`)).json()) as Record<
      string,
      ThrottleStats
    >;
    expect(stats.DescribeSnapshots?.competitor.served).toBeCloseTo(30, 0);
    const bad = await fetch(`${emu.url}/_emulator/throttles`, {
      method: 'POST',
      body: JSON.stringify({ api: 'DescribeSnapshots', perMinute: 60, probability: 2 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/probability/);
  });
});
