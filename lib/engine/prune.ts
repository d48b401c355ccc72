import { CloudApiError } from '../cloud/errors.ts';
import { CopyVerdict, provenanceOf } from '../domain/provenance.ts';
import { Outcome } from '../records/types.ts';
import { CallStep, recordCallError } from './call-outcome.ts';
import type { WorkItem } from './plan/index.ts';
import { recordItem } from './record-item.ts';
import type { RunSession } from './session.ts';

/**
 * keepLast: delete the planned copies, one at a time (deletions are rare and irreversible).
 * The plan already kept the newest copies per disk, capped the count, and left out any
 * destination whose listing failed; here each copy is checked once more before deletion.
 */
export async function prune(session: RunSession, items: WorkItem[]): Promise<void> {
  const { stop, dryRun } = session;
  for (const item of items) {
    const copy = item.pruneTarget;
    if (item.action !== 'prune' || !copy) continue;
    const copyId = copy.snapshotId;
    // The provenance rule once more, on the exact snapshot about to be deleted.
    if (
      provenanceOf(copy, session.policy.name).verdict !== CopyVerdict.Ours ||
      copy.status !== 'accomplished'
    ) {
      continue;
    }
    const why = stop.reason(item.destRegion);
    if (why) {
      recordItem(session, item, {
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
      recordItem(session, item, {
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
      const { value, attempts } = await session.call('DeleteSnapshot', item.destRegion, () =>
        session.ecs.deleteSnapshot(item.destRegion, copyId),
      );
      recordItem(session, item, {
        outcome: Outcome.Pruned,
        copySnapshotId: copyId,
        requestId: value.requestId,
        attempts,
        durationMs: Math.round(performance.now() - started),
        message: `pruned ${copyId}: ${item.reason}`,
      });
    } catch (error) {
      if (!(error instanceof CloudApiError)) throw error;
      // Like a copy's error (the outcome table): gone is skipped, transient waits, refusals stop.
      recordCallError(
        session,
        CallStep.Prune,
        item,
        error,
        Math.round(performance.now() - started),
        { destRegion: item.destRegion, copySnapshotId: copyId },
      );
    }
  }
}
