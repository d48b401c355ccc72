import { CloudApiError } from '../cloud/errors.ts';
import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import { classify, ErrorClass } from './classify.ts';
import { type ExecuteOptions, recordItem } from './execute.ts';
import type { WorkItem } from './plan.ts';
import { Outcome } from './records.ts';
import { attemptsOf } from './retry.ts';

/**
 * keepLast: delete the planned copies, one at a time (deletions are rare and irreversible).
 * The plan already kept the newest copies per disk, capped the count, and left out any
 * destination whose listing failed; here each copy is checked once more before deletion.
 */
export async function prune(options: ExecuteOptions, items: WorkItem[]): Promise<void> {
  const { ctx, stop, dryRun } = options;
  for (const item of items) {
    const copy = item.pruneTarget;
    if (item.action !== 'prune' || !copy) continue;
    const copyId = copy.snapshotId;
    if (
      copy.tags[PROVENANCE_TAG_KEYS.policy] !== ctx.policy.name ||
      copy.status !== 'accomplished'
    ) {
      continue;
    }
    const why = stop.reason(item.destRegion);
    if (why) {
      recordItem(options, item, {
        outcome: Outcome.Deferred,
        copySnapshotId: copyId,
        errorCode: why.code,
        attempts: 0,
        durationMs: 0,
        message: `not pruned: ${why.message}`,
      });
      continue;
    }
    if (dryRun) {
      recordItem(options, item, {
        outcome: Outcome.Deferred,
        copySnapshotId: copyId,
        attempts: 0,
        durationMs: 0,
        message: `dry run: would prune ${copyId} (${item.reason})`,
      });
      continue;
    }
    const started = performance.now();
    try {
      const { value, attempts } = await ctx.call('DeleteSnapshot', item.destRegion, () =>
        ctx.ecs.deleteSnapshot(item.destRegion, copyId),
      );
      recordItem(options, item, {
        outcome: Outcome.Pruned,
        copySnapshotId: copyId,
        requestId: value.requestId,
        attempts,
        durationMs: Math.round(performance.now() - started),
        message: `pruned ${copyId}: ${item.reason}`,
      });
    } catch (error) {
      if (!(error instanceof CloudApiError)) throw error;
      const errorClass = classify(error.code, error.httpStatus);
      recordItem(options, item, {
        outcome: errorClass === ErrorClass.SkipItem ? Outcome.Skipped : Outcome.Failed,
        copySnapshotId: copyId,
        errorCode: error.code,
        attempts: attemptsOf(error),
        durationMs: Math.round(performance.now() - started),
        ...(error.requestId ? { requestId: error.requestId } : {}),
        message: `prune of ${copyId} failed: ${error.message}`,
      });
      if (errorClass === ErrorClass.StopRun) stop.abort(error.code, error.message);
    }
  }
}
