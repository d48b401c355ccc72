import { Code } from '../../codes.ts';
import type { Snapshot } from '../../ports.ts';
import { Outcome } from '../../records/types.ts';
import { REPORTED_TAG_KEY } from '../reconcile.ts';
import { newItem, type PairRef, type WorkItem } from './item.ts';

/** Whether a copy's completion or failure was recorded by an earlier run (tagged REPORTED). */
const isReported = (copy: Snapshot) => copy.tags[REPORTED_TAG_KEY] !== undefined;

/** How a pair with existing copies is reported, or undefined when no live copy exists. */
export function existingCopyItem(ref: PairRef, copies: readonly Snapshot[]): WorkItem | undefined {
  const done = copies.find((c) => c.status === 'accomplished');
  if (done) {
    const fresh = !isReported(done);
    const item = newItem(
      ref,
      'already-copied',
      fresh ? Outcome.Completed : Outcome.AlreadyCopied,
      fresh ? `copy ${done.snapshotId} completed` : `copy ${done.snapshotId} exists`,
    );
    item.copySnapshotId = done.snapshotId;
    if (fresh) item.markReported = 'completed';
    return item;
  }
  const running = copies.find((c) => c.status === 'progressing');
  if (running) {
    const item = newItem(
      ref,
      'in-progress',
      Outcome.InProgress,
      `copy ${running.snapshotId} is ${running.progress}% done`,
    );
    item.copySnapshotId = running.snapshotId;
    return item;
  }
  return undefined;
}

const NONE: readonly WorkItem[] = [];

/** Failed copies nobody has recorded yet: one failed record each (most pairs have none). */
export function failedCopyItems(ref: PairRef, copies: readonly Snapshot[]): readonly WorkItem[] {
  let items: WorkItem[] | undefined;
  for (const c of copies) {
    if (c.status !== 'failed' || isReported(c)) continue;
    const item = newItem(
      ref,
      'fail',
      Outcome.Failed,
      `copy ${c.snapshotId} failed in ${ref.destRegion}`,
    );
    item.errorCode = Code.CopyFailed;
    item.copySnapshotId = c.snapshotId;
    item.markReported = 'failed';
    if (items) items.push(item);
    else items = [item];
  }
  return items ?? NONE;
}
