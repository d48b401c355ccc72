import { type ItemRecord, Outcome } from '../records/types.ts';
import type { WorkItem } from './plan/index.ts';

/**
 * Items deferred behind a copy this run planned are recorded after execution: the plan's
 * "waiting for the copy started this run" is true only if that copy did start. When it did not
 * (time budget, a stopped destination, an error), the record says so, with the blocking code.
 */
export class BlockingCopies {
  readonly #records = new Map<string, ItemRecord>();

  /** Feed every item record (RecordBook's onItem). */
  observe(record: ItemRecord): void {
    this.#records.set(`${record.destRegion}\u0000${record.sourceSnapshotId}`, record);
  }

  /** The record fields for an item that waited on a copy this run planned. */
  waitingRecord(
    item: WorkItem,
    waitsFor: string,
    dryRun: boolean,
  ): { message: string; errorCode?: string } {
    const planned = item.recordMessage ?? item.reason;
    if (dryRun) return { message: planned };
    const copy = this.#records.get(`${item.destRegion}\u0000${waitsFor}`);
    if (copy?.outcome === Outcome.Started || copy?.outcome === Outcome.Recopy) {
      return { message: planned };
    }
    const why = copy?.errorCode ? ` (${copy.errorCode})` : '';
    return {
      message: `waiting for the copy of ${waitsFor}, which was not started this run${why}: one unfinished copy per disk per destination; the next run copies the older snapshot first`,
      ...(copy?.errorCode ? { errorCode: copy.errorCode } : {}),
    };
  }
}
