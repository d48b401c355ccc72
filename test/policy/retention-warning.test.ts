import { describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../lib/policy/load.ts';

const policy = (retention: number, lookbackHours: number) => `name: p
schedule: "0 0 */4 * * *"
source: {regions: [cn-hangzhou], lookbackHours: ${lookbackHours}}
destinations:
  - region: cn-beijing
    retentionDays: ${retention}
`;

describe('validate: retentionDays against the lookback window', () => {
  it('warns, at the field, when copies would be released while their source is still selected', () => {
    const result = parsePolicyText(policy(1, 168), 'p.yaml');
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({ line: 6, path: 'destinations.0.retentionDays' }),
    ]);
    expect(result.warnings?.[0]?.message).toMatch(
      /copies it again .* until the source is older than the window/,
    );
  });

  it('says nothing when retention covers the window exactly', () => {
    expect(parsePolicyText(policy(7, 168), 'p.yaml').warnings).toBeUndefined();
  });

  it('warns one day short of the window', () => {
    expect(parsePolicyText(policy(6, 168), 'p.yaml').warnings).toHaveLength(1);
  });
});
