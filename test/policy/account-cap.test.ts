import { describe, expect, it } from 'vitest';
import { type PolicyProblem, parsePolicyText } from '../../lib/policy/load.ts';

const MINIMAL = `name: demo
schedule: 0 0 */4 * * *
source:
  regions: [cn-hangzhou]
destinations:
  - region: cn-beijing
`;

function parse(limits: string) {
  return parsePolicyText(`${MINIMAL}limits:\n${limits}`, 'policy.yaml');
}

function only(problems: PolicyProblem[]): PolicyProblem {
  expect(problems, JSON.stringify(problems)).toHaveLength(1);
  return problems[0] as PolicyProblem;
}

describe('limits.accountCopySnapshotsPerMinute (the operator cap)', () => {
  it('is unset by default: the engine caps at the documented quota', () => {
    const { policy, problems } = parsePolicyText(MINIMAL, 'policy.yaml');
    expect(problems).toEqual([]);
    expect(policy?.limits.accountCopySnapshotsPerMinute).toBeUndefined();
  });

  it('accepts 1 and 100 000, the bounds', () => {
    for (const n of [1, 100_000]) {
      const { policy, problems } = parse(
        `  requestsPerMinute: {CopySnapshot: 1}\n  accountCopySnapshotsPerMinute: ${n}\n`,
      );
      expect(problems).toEqual([]);
      expect(policy?.limits.accountCopySnapshotsPerMinute).toBe(n);
    }
  });

  it('rejects 0, 100 001 and fractions, naming the line and field', () => {
    for (const n of ['0', '100001', '2.5']) {
      const p = only(parse(`  accountCopySnapshotsPerMinute: ${n}\n`).problems);
      expect(p).toMatchObject({ line: 8, path: 'limits.accountCopySnapshotsPerMinute' });
    }
  });

  it('rejects a starting CopySnapshot rate above the cap, and takes one at the cap', () => {
    const above = only(
      parse('  requestsPerMinute: {CopySnapshot: 601}\n  accountCopySnapshotsPerMinute: 600\n')
        .problems,
    );
    expect(above.path).toBe('limits.requestsPerMinute.CopySnapshot');
    expect(above.line).toBe(8);
    expect(above.message).toMatch(/above limits\.accountCopySnapshotsPerMinute \(600\)/);
    const at = parse(
      '  requestsPerMinute: {CopySnapshot: 600}\n  accountCopySnapshotsPerMinute: 600\n',
    );
    expect(at.problems).toEqual([]);
  });
});
