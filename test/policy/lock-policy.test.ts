import { describe, expect, it } from 'vitest';
import { type PolicyProblem, parsePolicyText } from '../../lib/policy/load.ts';

/** Issue 18: per-destination `lock: { days, coolOffHours }`, checked with file:line:col. */

const FILE = 'policy.yaml';

function withLock(lock: string, retention = ''): string {
  return `name: demo
schedule: 0 0 */4 * * *
source:
  regions: [cn-hangzhou]
destinations:
  - region: cn-beijing
${retention}    lock: ${lock}
`;
}

function problems(text: string): PolicyProblem[] {
  return parsePolicyText(text, FILE).problems;
}

describe('destination lock', () => {
  it('is optional; cool-off defaults to 0 hours', () => {
    const { policy, problems: found } = parsePolicyText(withLock('{ days: 7 }'), FILE);
    expect(found).toEqual([]);
    expect(policy?.destinations[0]?.lock).toEqual({ days: 7, coolOffHours: 0 });
  });

  it.each([
    ['{ days: 0 }', false],
    ['{ days: 1 }', true],
    ['{ days: 36500 }', true],
    ['{ days: 36501 }', false],
    ['{ days: 1, coolOffHours: -1 }', false],
    ['{ days: 1, coolOffHours: 0 }', true],
    ['{ days: 1, coolOffHours: 72 }', true],
    ['{ days: 1, coolOffHours: 73 }', false],
  ])('lock %s valid: %s (days 1–36,500, coolOffHours 0–72)', (lock, ok) => {
    const found = problems(withLock(lock));
    if (ok) expect(found).toEqual([]);
    else {
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ file: FILE, line: 7 });
      expect(found[0]?.path).toMatch(/^destinations\.0\.lock\.(days|coolOffHours)$/);
    }
  });

  it('rejects a lock longer than retentionDays at the lock days, with line and column', () => {
    const found = problems(withLock('{ days: 31 }', '    retentionDays: 30\n'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      file: FILE,
      line: 8,
      col: 19,
      path: 'destinations.0.lock.days',
      message: expect.stringMatching(/outlives retentionDays 30/),
    });
  });

  it('accepts a lock as long as retentionDays', () => {
    expect(problems(withLock('{ days: 30 }', '    retentionDays: 30\n'))).toEqual([]);
  });
});
