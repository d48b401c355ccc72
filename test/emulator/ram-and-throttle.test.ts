import { describe, expect, it } from 'vitest';
import { isAllowed, parseRamPolicy, type RamPolicy } from '../../emulator/policy/ram-policy.ts';
import { Throttler } from '../../emulator/policy/throttle.ts';

const SNAP = 'acs:ecs:cn-hangzhou:1234567890123456:snapshot/s-bp1';

describe('RAM policy evaluation', () => {
  const policy = (statements: RamPolicy['Statement']): RamPolicy => ({
    Version: '1',
    Statement: statements,
  });

  it('denies when no statement matches (implicit deny)', () => {
    expect(isAllowed(policy([]), 'ecs:CopySnapshot', SNAP)).toBe(false);
  });

  it('matches actions case-insensitively with wildcards', () => {
    const p = policy([{ Effect: 'Allow', Action: 'ecs:describe*', Resource: '*' }]);
    expect(isAllowed(p, 'ecs:DescribeSnapshots', SNAP)).toBe(true);
    expect(isAllowed(p, 'ecs:CopySnapshot', SNAP)).toBe(false);
  });

  it('matches resources with * and ? but case-sensitively', () => {
    const p = policy([{ Effect: 'Allow', Action: '*', Resource: 'acs:ecs:cn-*:*:snapshot/s-bp?' }]);
    expect(isAllowed(p, 'ecs:CopySnapshot', SNAP)).toBe(true);
    expect(isAllowed(p, 'ecs:CopySnapshot', SNAP.toUpperCase())).toBe(false);
    expect(isAllowed(p, 'ecs:CopySnapshot', `${SNAP}2`)).toBe(false);
  });

  it('lets an explicit Deny override any Allow, whatever the order', () => {
    const p = policy([
      { Effect: 'Deny', Action: 'ecs:CopySnapshot', Resource: SNAP },
      { Effect: 'Allow', Action: '*', Resource: '*' },
    ]);
    expect(isAllowed(p, 'ecs:CopySnapshot', SNAP)).toBe(false);
    expect(isAllowed(p, 'ecs:DeleteSnapshot', SNAP)).toBe(true);
  });

  it('refuses documents it cannot evaluate faithfully', () => {
    expect(() => parseRamPolicy({ Version: '1' })).toThrow(TypeError);
    expect(() =>
      parseRamPolicy({
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: {} }],
      }),
    ).toThrow(/Condition/);
  });
});

describe('Throttler', () => {
  it('allows a burst, then refills at perMinute on the clock it is given', () => {
    const t = new Throttler();
    t.set('DescribeSnapshots', { perMinute: 60, burst: 2 });
    expect([
      t.take('DescribeSnapshots', 'cn-hangzhou', 0),
      t.take('DescribeSnapshots', 'cn-hangzhou', 0),
    ]).toEqual([true, true]);
    expect(t.take('DescribeSnapshots', 'cn-hangzhou', 0)).toBe(false);
    expect(t.take('DescribeSnapshots', 'cn-hangzhou', 999)).toBe(false);
    expect(t.take('DescribeSnapshots', 'cn-hangzhou', 1000)).toBe(true);
  });

  it('keeps one bucket per (API, region)', () => {
    const t = new Throttler();
    t.set('CopySnapshot', { perMinute: 1 });
    expect(t.take('CopySnapshot', 'cn-hangzhou', 0)).toBe(true);
    expect(t.take('CopySnapshot', 'cn-hangzhou', 0)).toBe(false);
    expect(t.take('CopySnapshot', 'cn-shanghai', 0)).toBe(true);
    expect(t.take('DescribeSnapshots', 'cn-hangzhou', 0)).toBe(true);
  });

  it('lets a region rule override the API-wide one for that region only', () => {
    const t = new Throttler();
    t.set('CopySnapshot', { perMinute: 1, region: 'cn-beijing' });
    expect(t.take('CopySnapshot', 'cn-beijing', 0)).toBe(true);
    expect(t.take('CopySnapshot', 'cn-beijing', 0)).toBe(false);
    expect(t.take('CopySnapshot', 'cn-hangzhou', 0)).toBe(true);
    expect(t.take('CopySnapshot', 'cn-hangzhou', 0)).toBe(true);
  });
});
