import { describe, expect, it } from 'vitest';
import { planExitCode } from '../../lib/cli/render/plan.ts';
import type { Plan, PlanItem } from '../../lib/engine/types.ts';

function plan(parts: Partial<Plan>): Plan {
  return {
    policy: 'p',
    destinations: [{ region: 'cn-beijing', ok: true }],
    sources: [{ region: 'cn-hangzhou', ok: true }],
    items: [],
    apiCalls: { made: {}, wouldMake: {} },
    ...parts,
  } as Plan;
}

const item = (action: PlanItem['action']): PlanItem =>
  ({ action, destRegion: 'cn-beijing', sourceRegion: 'cn-hangzhou' }) as PlanItem;

describe('planExitCode', () => {
  it('is 0 when every item would succeed, wait or need nothing', () => {
    const items = [
      'copy',
      'deferred',
      'in-progress',
      'skipped',
      'already-copied',
      'prune',
    ] as const;
    expect(planExitCode(plan({ items: items.map(item) }))).toBe(0);
  });

  it('is 1 when one item would fail', () => {
    expect(planExitCode(plan({ items: [item('copy'), item('fail')] }))).toBe(1);
  });

  it('is 1 when a destination is unusable (preflight failed), even with nothing to copy', () => {
    const destinations = [
      { region: 'cn-beijing', ok: true },
      { region: 'ap-southeast-1', ok: false, errorCode: 'KmsKey.Disabled' },
    ];
    expect(planExitCode(plan({ destinations } as Partial<Plan>))).toBe(1);
  });

  it('is 1 when a source region could not be listed', () => {
    const sources = [{ region: 'cn-hangzhou', ok: false, errorCode: 'Throttling' }];
    expect(planExitCode(plan({ sources } as Partial<Plan>))).toBe(1);
  });
});
