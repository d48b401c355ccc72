import { describe, expect, it } from 'vitest';
import { renderPlan, sortPlanItems } from '../../lib/cli/render/plan.ts';
import type { Plan, PlanItem } from '../../lib/engine/types.ts';

const item = (overrides: Partial<PlanItem>): PlanItem => ({
  action: 'copy',
  sourceRegion: 'cn-hangzhou',
  sourceSnapshotId: 's-1',
  sourceName: 'web',
  diskId: 'd-1',
  destRegion: 'cn-shanghai',
  reason: 'no copy in the destination',
  ...overrides,
});

const plan: Plan = {
  policy: 'prod',
  items: [
    item({
      action: 'already-copied',
      sourceSnapshotId: 's-0',
      copySnapshotId: 's-copy0',
      reason: 'copy s-copy0 is accomplished',
    }),
    item({ action: 'copy', copyName: 'dr-web-20261127', reason: 'no copy in the destination' }),
    item({ action: 'skipped', sourceSnapshotId: 's-9', reason: 'category local cannot be copied' }),
    item({
      action: 'deferred',
      sourceSnapshotId: 's-2',
      reason: 'an unfinished copy of disk d-1 is in progress',
    }),
  ],
  apiCalls: { made: { DescribeKey: 1, DescribeSnapshots: 2 }, wouldMake: { CopySnapshot: 1 } },
  destinations: [
    { region: 'cn-shanghai', ok: true },
    {
      region: 'ap-southeast-1',
      ok: false,
      errorCode: 'Key.Disabled',
      message: 'key k-1 is Disabled',
    },
  ],
};

describe('renderPlan', () => {
  const text = renderPlan(plan);
  const lines = text.split('\n');

  it('says that nothing was written', () => {
    expect(lines[0]).toBe('Plan for policy prod (a preview: nothing was written)');
  });

  it('lists each item with its action, source, copy and reason', () => {
    const row = lines.find((l) => l.startsWith('copy '))?.split(/\s{2,}/);
    expect(row).toEqual([
      'copy',
      'cn-shanghai',
      'cn-hangzhou/s-1',
      'd-1',
      'dr-web-20261127',
      'no copy in the destination',
    ]);
  });

  it('shows each destination preflight result, a failure with its error', () => {
    expect(lines).toContain('  cn-shanghai     ok');
    expect(lines).toContain('  ap-southeast-1  skipped: Key.Disabled (key k-1 is Disabled)');
  });

  it('counts the items per action and shows the API calls made and still to make', () => {
    expect(text).toContain('4 item(s): 1 copy, 1 deferred, 1 skipped, 1 already-copied');
    expect(text).toContain('API calls made for this plan: 3 (DescribeKey 1, DescribeSnapshots 2)');
    expect(text).toContain('API calls a run would add: 1 (CopySnapshot 1)');
  });

  it('names a source region that could not be listed, with its error', () => {
    const text = renderPlan({
      ...plan,
      sources: [
        { region: 'cn-hangzhou', ok: true },
        { region: 'cn-shanghai', ok: false, errorCode: 'Throttling.User', message: 'gave up' },
      ],
    });
    expect(text).toContain('Sources not listed (nothing of them is in this plan):');
    expect(text.split('\n')).toContain('  cn-shanghai  Throttling.User (gave up)');
    expect(text).not.toContain('  cn-hangzhou  ');
  });

  it('says so when no snapshot matched', () => {
    expect(renderPlan({ ...plan, items: [] })).toContain('No source snapshots matched the policy.');
  });
});

describe('sortPlanItems', () => {
  it('puts work first and keeps the engine order within an action', () => {
    const items = [
      item({ action: 'already-copied', sourceSnapshotId: 'a' }),
      item({ action: 'copy', sourceSnapshotId: 'b' }),
      item({ action: 'copy', sourceSnapshotId: 'c' }),
      item({ action: 'deferred', sourceSnapshotId: 'd' }),
    ];
    expect(sortPlanItems(items).map((i) => i.sourceSnapshotId)).toEqual(['b', 'c', 'd', 'a']);
  });
});
