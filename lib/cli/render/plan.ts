import type { Plan, PlanAction, PlanItem } from '../../engine/types.ts';
import { ExitCode } from '../../errors.ts';
import { neutralise } from '../../terminal-safe.ts';
import { apiCallsPhrase } from './summary.ts';
import { type Column, countsPhrase, renderTable } from './table.ts';

/** Work first, then what will fail, what waits, what needs nothing: how a reviewer reads a plan. */
export const PLAN_ACTION_ORDER = [
  'copy',
  'fail',
  'deferred',
  'in-progress',
  'skipped',
  'already-copied',
  'prune',
  'keep',
] as const satisfies readonly PlanAction[];

const COLUMNS: Column[] = [
  { header: 'ACTION' },
  { header: 'DESTINATION' },
  { header: 'SOURCE' },
  { header: 'DISK' },
  { header: 'COPY' },
  { header: 'REASON' },
];

/** What the copy is or would be called: the existing copy id, or the name a run would give it. */
function copyCell(item: PlanItem): string {
  return item.copySnapshotId ?? item.copyName ?? '-';
}

export function sortPlanItems(items: readonly PlanItem[]): PlanItem[] {
  const rank = (action: PlanAction): number => {
    const index = PLAN_ACTION_ORDER.indexOf(action);
    return index < 0 ? PLAN_ACTION_ORDER.length : index;
  };
  // Array.prototype.sort is stable, so the engine's staleness order survives within an action.
  return [...items].sort((a, b) => rank(a.action) - rank(b.action));
}

export function planCounts(items: readonly PlanItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.action] = (counts[item.action] ?? 0) + 1;
  return counts;
}

export function renderPlan(plan: Plan): string {
  const out: string[] = [`Plan for policy ${plan.policy} (a preview: nothing was written)`, ''];

  out.push('Destinations:');
  const width = Math.max(0, ...plan.destinations.map((d) => d.region.length));
  for (const destination of plan.destinations) {
    const state = destination.ok
      ? 'ok'
      : `skipped: ${destination.errorCode ?? 'preflight failed'}${destination.message ? ` (${destination.message})` : ''}`;
    out.push(`  ${destination.region.padEnd(width)}  ${state}`);
  }
  out.push('');

  // A source that could not be listed contributes no items: say so, or it reads as "nothing new".
  const unlisted = (plan.sources ?? []).filter((s) => !s.ok);
  if (unlisted.length > 0) {
    out.push('Sources not listed (nothing of them is in this plan):');
    for (const source of unlisted) {
      out.push(
        `  ${source.region}  ${source.errorCode ?? 'listing failed'}${source.message ? ` (${source.message})` : ''}`,
      );
    }
    out.push('');
  }

  if (plan.items.length === 0) {
    out.push('No source snapshots matched the policy.');
  } else {
    const rows = sortPlanItems(plan.items).map((item) => [
      item.action,
      item.destRegion,
      `${item.sourceRegion}/${item.sourceSnapshotId}`,
      item.diskId || '-',
      copyCell(item),
      item.reason,
    ]);
    out.push(...renderTable(COLUMNS, rows).trimEnd().split('\n'));
  }
  out.push('');

  const counts = planCounts(plan.items);
  out.push(`${plan.items.length} item(s): ${countsPhrase(counts, PLAN_ACTION_ORDER)}`);
  out.push(`API calls made for this plan: ${apiCallsPhrase(plan.apiCalls.made)}`);
  out.push(`API calls a run would add: ${apiCallsPhrase(plan.apiCalls.wouldMake)}`);
  // Every line is one line: a newline or escape sequence in a cloud value is shown, not obeyed.
  return `${out.map(neutralise).join('\n')}\n`;
}

/**
 * 1 when the plan foresees trouble a run would record: an item that would fail, a destination
 * it could not use (preflight), a source region it could not list. A pipeline can gate a policy
 * change on `plan` the way it gates on `run`. 0 otherwise.
 */
export function planExitCode(plan: Plan): number {
  const trouble =
    plan.items.some((item) => item.action === 'fail') ||
    plan.destinations.some((destination) => !destination.ok) ||
    (plan.sources ?? []).some((source) => !source.ok);
  return trouble ? ExitCode.ItemsFailed : ExitCode.Ok;
}
