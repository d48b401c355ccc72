import { CloudApiError } from '../cloud/errors.ts';
import type { EngineContext } from './context.ts';
import type { WorkItem } from './plan.ts';
import { REPORTED_TAG_KEY } from './reconcile.ts';

/** TagResources takes at most 50 resource ids per call. */
const TAG_BATCH = 50;

/**
 * Tags copies whose completion or failure was just recorded, so the next run reports them as
 * already-copied instead of again. Runs after the records were flushed: if tagging fails the
 * next run records the completion once more (at least once, never lost).
 * Returns how many copies could not be tagged.
 */
export async function markReported(ctx: EngineContext, items: WorkItem[]): Promise<number> {
  const groups = new Map<string, string[]>();
  for (const item of items) {
    if (!item.markReported || !item.copySnapshotId) continue;
    const key = `${item.destRegion}|${item.markReported}`;
    const list = groups.get(key);
    if (list) list.push(item.copySnapshotId);
    else groups.set(key, [item.copySnapshotId]);
  }
  let failed = 0;
  for (const [key, ids] of groups) {
    const [region = '', status = ''] = key.split('|');
    for (let i = 0; i < ids.length; i += TAG_BATCH) {
      const batch = ids.slice(i, i + TAG_BATCH);
      try {
        await ctx.call('TagResources', region, () =>
          ctx.ecs.tagSnapshots(region, batch, { [REPORTED_TAG_KEY]: status }),
        );
      } catch (error) {
        if (!(error instanceof CloudApiError)) throw error;
        failed += batch.length;
      }
    }
  }
  return failed;
}
