import { describe, expect, it } from 'vitest';
import { type PolicyProblem, parsePolicyText } from '../../lib/policy/load.ts';

/** Issue 18: top-level `restoreDrill: { everyDays, diskCategory, zoneId? }`, with file:line:col. */

const FILE = 'policy.yaml';

function withDrill(drill: string): string {
  return `name: demo
schedule: 0 0 */4 * * *
source:
  regions: [cn-hangzhou]
destinations:
  - region: cn-beijing
restoreDrill: ${drill}
`;
}

function problems(text: string): PolicyProblem[] {
  return parsePolicyText(text, FILE).problems;
}

describe('restoreDrill', () => {
  it('is optional, and read as written', () => {
    const { policy, problems: found } = parsePolicyText(
      withDrill('{ everyDays: 7, diskCategory: cloud_essd, zoneId: cn-beijing-h }'),
      FILE,
    );
    expect(found).toEqual([]);
    expect(policy?.restoreDrill).toEqual({
      everyDays: 7,
      diskCategory: 'cloud_essd',
      zoneId: 'cn-beijing-h',
    });
  });

  it.each([
    ['{ everyDays: 0, diskCategory: cloud_essd }', 'restoreDrill.everyDays'],
    ['{ everyDays: 367, diskCategory: cloud_essd }', 'restoreDrill.everyDays'],
    ['{ everyDays: 7, diskCategory: floppy }', 'restoreDrill.diskCategory'],
    ['{ everyDays: 7 }', 'restoreDrill.diskCategory'],
    ['{ everyDays: 7, diskCategory: cloud, zone: cn-beijing-a }', 'restoreDrill.zone'],
  ])('rejects %s at %s, with file and line', (drill, path) => {
    const found = problems(withDrill(drill));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: FILE, line: 7, path });
  });

  it('rejects a zone in none of the destination regions, pointing at the value', () => {
    const found = problems(
      withDrill('{ everyDays: 7, diskCategory: cloud, zoneId: cn-shanghai-b }'),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      file: FILE,
      line: 7,
      col: 60,
      path: 'restoreDrill.zoneId',
      message: expect.stringMatching(/none of the destination regions \(cn-beijing\)/),
    });
  });
});
