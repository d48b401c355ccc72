import type { WorkItem } from './plan/index.ts';
import { recordItem } from './record-item.ts';
import type { RunSession } from './session.ts';

/**
 * Records the decisions that need no call (already copied, in progress, deferred, skipped,
 * fail) before any copy starts. Copies and prunes are recorded by their steps; items waiting on
 * a copy this run plans wait for execution (recordWaiting).
 */
export function recordDecisions(session: RunSession, items: WorkItem[]): void {
  for (const item of items) {
    if (
      item.action === 'copy' ||
      item.action === 'prune' ||
      item.action === 'keep' ||
      item.waitsForThisRun
    ) {
      continue;
    }
    recordItem(session, item, {
      outcome: item.outcome,
      attempts: 0,
      durationMs: 0,
      message: item.recordMessage ?? item.reason,
      ...(item.copySnapshotId ? { copySnapshotId: item.copySnapshotId } : {}),
      ...(item.errorCode ? { errorCode: item.errorCode } : {}),
      ...(item.lockedUntil ? { lockedUntil: item.lockedUntil } : {}),
    });
  }
}

/** After execution: items that waited on a copy this run planned say whether it started. */
export function recordWaiting(session: RunSession, items: WorkItem[]): void {
  for (const item of items) {
    if (item.waitsForThisRun === undefined) continue;
    recordItem(session, item, {
      outcome: item.outcome,
      attempts: 0,
      durationMs: 0,
      ...session.blocking.waitingRecord(item, item.waitsForThisRun, session.dryRun),
    });
  }
}
