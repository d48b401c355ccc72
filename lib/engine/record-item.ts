import type { ItemRecord } from '../records/types.ts';
import type { WorkItem } from './plan/index.ts';
import type { RunSession } from './session.ts';

function itemFields(item: WorkItem) {
  return {
    sourceRegion: item.sourceRegion,
    sourceSnapshotId: item.sourceSnapshotId,
    diskId: item.diskId,
    destRegion: item.destRegion,
  };
}

/** What a step says about an item; the item names the pair. */
export type ItemFields = Omit<
  ItemRecord,
  'kind' | 'runId' | 'policy' | 'time' | keyof ReturnType<typeof itemFields>
>;

/** Records a decision and tells the progress listener. */
export function recordItem({ book, emit }: RunSession, item: WorkItem, fields: ItemFields): void {
  const record = book.item({ ...itemFields(item), ...fields });
  emit({
    type: 'item',
    destRegion: record.destRegion,
    outcome: record.outcome,
    sourceSnapshotId: record.sourceSnapshotId,
    ...(record.errorCode ? { errorCode: record.errorCode } : {}),
  });
}
