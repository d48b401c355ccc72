import { CloudApiError } from '../cloud/errors.ts';
import { CopyVerdict, provenanceOf } from '../domain/provenance.ts';
import { Outcome } from '../records/types.ts';
import { classify, ErrorClass } from './classify.ts';
import { abortRun, stopDestination } from './escalate.ts';
import { type ExecuteOptions, recordItem } from './execute.ts';
import type { WorkItem } from './plan.ts';
import { attemptsOf } from './retry.ts';

/**
 * Acts on a DeleteSnapshot error as its class says, like a CopySnapshot error: a copy that is
 * gone is skipped, a transient failure waits for the next run, a destination or account that
 * refuses stops it with its alert; nothing is swallowed.
 */
function onPruneError(
  options: ExecuteOptions,
  item: WorkItem,
  copyId: string,
  error: CloudApiError,
  durationMs: number,
): void {
  const common = {
    copySnapshotId: copyId,
    errorCode: error.code,
    attempts: attemptsOf(error),
    durationMs,
    ...(error.requestId ? { requestId: error.requestId } : {}),
  };
  switch (classify(error.code, error.httpStatus)) {
    case ErrorClass.SkipItem:
      recordItem(options, item, {
        ...common,
        outcome: Outcome.Skipped,
        message: `${copyId} cannot be pruned: ${error.message}`,
      });
      return;
    case ErrorClass.RetryNow:
    case ErrorClass.RetryNextRun:
      recordItem(options, item, {
        ...common,
        outcome: Outcome.Deferred,
        message: `not pruned this run, retried next run: ${error.message}`,
      });
      return;
    case ErrorClass.StopRun: {
      const message = abortRun(options, error);
      recordItem(options, item, { ...common, outcome: Outcome.Failed, message });
      return;
    }
    case ErrorClass.StopDestination: {
      const message = `${error.code} from DeleteSnapshot in ${item.destRegion}: ${error.message}`;
      recordItem(options, item, { ...common, outcome: Outcome.Failed, message });
      stopDestination(options, item.destRegion, error.code, message);
      return;
    }
    case ErrorClass.PolicyBug:
      recordItem(options, item, {
        ...common,
        outcome: Outcome.Failed,
        message: `prune of ${copyId} failed: ${error.message}`,
      });
      return;
  }
}

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
    // The provenance rule once more, on the exact snapshot about to be deleted.
    if (
      provenanceOf(copy, ctx.policy.name).verdict !== CopyVerdict.Ours ||
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
      onPruneError(options, item, copyId, error, Math.round(performance.now() - started));
    }
  }
}
