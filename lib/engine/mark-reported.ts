import { CloudApiError } from '../cloud/errors.ts';
import { CallStep, Escalation, escalateCallError } from './call-outcome.ts';
import type { WorkItem } from './plan/index.ts';
import { REPORTED_TAG_KEY } from './reconcile.ts';
import type { RunSession } from './session.ts';

/** TagResources takes at most 50 resource ids per call. */
const TAG_BATCH = 50;

export interface MarkReportedResult {
  /** Copies left untagged: the next run records their completion (or failure) again. */
  unmarked: number;
  /** Codes of the errors that left them untagged, for the run message. */
  errorCodes: string[];
}

/**
 * Tags copies whose completion or failure was just recorded, so the next run reports them as
 * already-copied instead of again. Runs after the records were flushed: if tagging fails the
 * next run records the completion once more (at least once, never lost).
 *
 * Errors are classified like every other call (lib/engine/call-outcome.ts, step `mark`).
 * A stop-run error (Forbidden.RAM for ecs:TagResources, an account problem) aborts the run
 * (exit 3) even though the copies themselves were made: the credentials lack what the policy
 * needs, every later run meets the same wall, and without the tag each run records the same
 * completions again, so the one-record-per-copy contract the alert rules count on is broken
 * until an operator acts. A stop-destination error stops that destination with its alert.
 * Transient errors were retried by session.call; what is left of them, and malformed-request
 * errors, leave copies untagged and are named in the run message.
 */
export async function markReported(
  session: RunSession,
  items: WorkItem[],
): Promise<MarkReportedResult> {
  const groups = new Map<string, string[]>();
  for (const item of items) {
    if (!item.markReported || !item.copySnapshotId) continue;
    const key = `${item.destRegion}|${item.markReported}`;
    const list = groups.get(key);
    if (list) list.push(item.copySnapshotId);
    else groups.set(key, [item.copySnapshotId]);
  }
  const result: MarkReportedResult = { unmarked: 0, errorCodes: [] };
  // Tagging makes no copy, so an abort or a stop met earlier in the run does not prevent it;
  // only a refusal of TagResources itself ends it (for the run, or for that destination).
  let refused = false;
  const refusedIn = new Set<string>();
  for (const [key, ids] of groups) {
    const [region = '', status = ''] = key.split('|');
    for (let i = 0; i < ids.length; i += TAG_BATCH) {
      const batch = ids.slice(i, i + TAG_BATCH);
      if (refused || refusedIn.has(region)) {
        result.unmarked += batch.length;
        continue;
      }
      try {
        await session.call('TagResources', region, () =>
          session.ecs.tagSnapshots(region, batch, { [REPORTED_TAG_KEY]: status }),
        );
      } catch (error) {
        if (!(error instanceof CloudApiError)) throw error;
        result.unmarked += batch.length;
        if (!result.errorCodes.includes(error.code)) result.errorCodes.push(error.code);
        const escalation = escalateCallError(session, CallStep.Mark, region, error);
        if (escalation === Escalation.AbortRun) refused = true;
        else if (escalation === Escalation.StopDestination) refusedIn.add(region);
      }
    }
  }
  return result;
}
