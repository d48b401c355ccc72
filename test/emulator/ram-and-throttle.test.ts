import { describe, expect, it } from 'vitest';
import {
  isAllowed,
  parseRamPolicy,
  type RamCondition,
  type RamPolicy,
} from '../../emulator/policy/ram-policy.ts';
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

describe('RAM Condition on acs:ResourceTag', () => {
  const TAG = 'acs:ResourceTag/dr-replicator:policy';
  const scoped = (condition: RamCondition): RamPolicy =>
    parseRamPolicy({
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: 'ecs:DeleteSnapshot', Resource: '*', Condition: condition },
      ],
    });
  const allows = (p: RamPolicy, resourceTags?: Record<string, string>) =>
    isAllowed(p, 'ecs:DeleteSnapshot', SNAP, resourceTags === undefined ? {} : { resourceTags });

  it('StringLike with * grants a resource carrying the tag, whatever its value', () => {
    const p = scoped({ StringLike: { [TAG]: '*' } });
    expect(allows(p, { 'dr-replicator:policy': 'prod' })).toBe(true);
    expect(allows(p, { 'dr-replicator:policy': '' })).toBe(true);
  });

  it('StringLike grants nothing to a resource without the tag, or when tags are unknown', () => {
    const p = scoped({ StringLike: { [TAG]: '*' } });
    expect(allows(p, { dr: 'true' })).toBe(false);
    expect(allows(p)).toBe(false);
  });

  it('StringLike matches ? and * inside values, case-sensitively', () => {
    const p = scoped({ StringLike: { [TAG]: 'prod-?b*' } });
    expect(allows(p, { 'dr-replicator:policy': 'prod-db-main' })).toBe(true);
    expect(allows(p, { 'dr-replicator:policy': 'PROD-db-main' })).toBe(false);
  });

  it('StringEquals grants when the value is any of the listed values', () => {
    const p = scoped({ StringEquals: { [TAG]: ['prod', 'staging'] } });
    expect(allows(p, { 'dr-replicator:policy': 'staging' })).toBe(true);
    expect(allows(p, { 'dr-replicator:policy': 'dev' })).toBe(false);
    expect(allows(p, { 'dr-replicator:policy': 'pro*' })).toBe(false);
  });

  it('StringNotEquals grants other values and resources without the tag', () => {
    const p = scoped({ StringNotEquals: { [TAG]: 'legacy' } });
    expect(allows(p, { 'dr-replicator:policy': 'prod' })).toBe(true);
    expect(allows(p, {})).toBe(true);
    expect(allows(p, { 'dr-replicator:policy': 'legacy' })).toBe(false);
  });

  it('requires every operator and every key to hold', () => {
    const p = scoped({
      StringLike: { [TAG]: '*' },
      StringEquals: { 'acs:ResourceTag/env': 'prod' },
    });
    expect(allows(p, { 'dr-replicator:policy': 'a', env: 'prod' })).toBe(true);
    expect(allows(p, { 'dr-replicator:policy': 'a', env: 'dev' })).toBe(false);
  });

  it('applies a conditional Deny only where its condition holds', () => {
    const p = parseRamPolicy({
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Effect: 'Deny',
          Action: 'ecs:DeleteSnapshot',
          Resource: '*',
          Condition: { StringEquals: { 'acs:ResourceTag/keep': 'true' } },
        },
      ],
    });
    expect(allows(p, { keep: 'true' })).toBe(false);
    expect(allows(p, { keep: 'false' })).toBe(true);
  });

  it.each([
    ['an operator it does not evaluate', { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } }],
    ['a condition key other than acs:ResourceTag/', { StringEquals: { 'acs:SourceVpc': 'vpc-1' } }],
    ['a value that is not a string or strings', { StringEquals: { [TAG]: 3 } }],
    ['an empty value list', { StringEquals: { [TAG]: [] } }],
  ])('refuses %s', (_what, condition) => {
    expect(() =>
      parseRamPolicy({
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition }],
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
