import type { SnapshotRecord } from './records.ts';

/** Orders snapshots newest first, ties broken by id (the DescribeSnapshots order). */
export function compareNewestFirst(
  a: Pick<SnapshotRecord, 'creationTime' | 'snapshotId'>,
  b: Pick<SnapshotRecord, 'creationTime' | 'snapshotId'>,
): number {
  if (a.creationTime !== b.creationTime) return b.creationTime - a.creationTime;
  return a.snapshotId < b.snapshotId ? 1 : a.snapshotId > b.snapshotId ? -1 : 0;
}

/**
 * A region's snapshots kept sorted oldest → newest so that the newest-first scan is a walk
 * from the end and a NextToken cursor is a binary search. Inserts at the end are O(1) (new
 * snapshots and copies are the newest); others shift the array, which is fine at 100k.
 */
export class SortedSnapshots {
  readonly items: SnapshotRecord[] = [];

  /** Adds many at once with one sort (loading a world or a state file). */
  insertMany(list: readonly SnapshotRecord[]): void {
    for (const s of list) this.items.push(s);
    this.items.sort((a, b) => compareNewestFirst(b, a));
  }

  insert(s: SnapshotRecord): void {
    const last = this.items[this.items.length - 1];
    if (last === undefined || compareNewestFirst(s, last) < 0) {
      this.items.push(s);
      return;
    }
    this.items.splice(this.lowerBound(s), 0, s);
  }

  remove(s: SnapshotRecord): void {
    const i = this.lowerBound(s);
    if (this.items[i] === s) this.items.splice(i, 1);
  }

  /** Index of the first item not older than `s` (in ascending order). */
  lowerBound(s: Pick<SnapshotRecord, 'creationTime' | 'snapshotId'>): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.items[mid]!;
      // m older than s ⇔ s is "newer first" relative to m
      if (compareNewestFirst(s as SnapshotRecord, m) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
