import { describe, expect, it } from 'vitest';
import { matchesSelectors } from '../../lib/engine/discover.ts';
import { type PolicyProblem, parsePolicyText } from '../../lib/policy/load.ts';
import type { Snapshot } from '../../lib/ports.ts';

const FILE = 'policy.yaml';
const MINIMAL = `name: demo
schedule: 0 0 */4 * * *
source:
  regions: [cn-hangzhou]
destinations:
  - region: cn-beijing
`;

function withSelect(select: string): string {
  return MINIMAL.replace('source:\n', `source:\n  select: ${select}\n`);
}

function problems(text: string): PolicyProblem[] {
  return parsePolicyText(text, FILE).problems;
}

function snapshot(name: string): Snapshot {
  return {
    snapshotId: 's-1',
    regionId: 'cn-hangzhou',
    name,
    description: '',
    status: 'accomplished',
    progress: 100,
    creationTime: '2026-11-01T00:00:00Z',
    sourceDiskId: 'd-1',
    sourceDiskSize: 20,
    snapshotType: 'user',
    category: 'Standard',
    encrypted: false,
    tags: {},
  };
}

describe('hostile or mistaken policy input', () => {
  describe('namePattern', () => {
    it('matches a catastrophic-backtracking pattern (^(a+)+$) against a 34-character name without hanging the run', () => {
      // With JavaScript's backtracking engine this one call takes about two minutes.
      const { policy } = parsePolicyText(withSelect('{namePattern: "^(a+)+$"}'), FILE);
      expect(policy).toBeDefined();
      const ctx = { policy: policy! };
      expect(matchesSelectors(ctx, snapshot(`${'a'.repeat(33)}b`))).toBe(false);
      expect(matchesSelectors(ctx, snapshot('a'.repeat(34)))).toBe(true);
    });

    it('refuses, at validate time with line and column, a pattern the linear-time engine cannot run', () => {
      const found = problems(withSelect('{namePattern: "(db)-\\\\1"}'));
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        file: FILE,
        line: 4,
        path: 'source.select.namePattern',
        message: expect.stringMatching(/linear-time engine \(RE2\).*backreferences/),
      });
      expect(found[0]?.col).toBeGreaterThan(1);
    });

    it('still accepts the ordinary patterns of the reference (^(mysql|pg)-)', () => {
      const { policy } = parsePolicyText(withSelect('{namePattern: "^(mysql|pg)-"}'), FILE);
      expect(policy).toBeDefined();
      expect(matchesSelectors({ policy: policy! }, snapshot('pg-daily'))).toBe(true);
      expect(matchesSelectors({ policy: policy! }, snapshot('redis-daily'))).toBe(false);
    });
  });

  describe('prototype keys', () => {
    it('rejects a __proto__ selector tag instead of silently dropping it', () => {
      const found = problems(withSelect('\n    tags:\n      __proto__: "x"'));
      expect(found).toEqual([
        expect.objectContaining({
          line: 6,
          col: 7,
          path: 'source.select.tags.__proto__',
          message: expect.stringMatching(/"__proto__" is not allowed/),
        }),
      ]);
    });

    it.each(['constructor', 'prototype'])('rejects a %s key anywhere in the policy', (key) => {
      const text = `${MINIMAL}    tags: {${key}: "x"}\n`;
      const found = problems(text);
      expect(found.map((p) => p.path)).toContain(`destinations.0.tags.${key}`);
    });
  });
});
