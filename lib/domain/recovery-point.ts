import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { Snapshot } from '../ports.ts';

/**
 * A copy restores the disk as it was when its SOURCE was taken, not when the copy was made
 * (hours or days later for a backlog). One rule for the engine (RPO debt, keepLast, prune
 * safety) and for `status`.
 */

export const PointFrom = {
  /** The source snapshot's CreationTime, as ECS reports it (discovered or looked up). */
  SourceSnapshot: 'source-snapshot',
  /** The source-time tag this product wrote on the copy when it made it. */
  SourceTimeTag: 'source-time-tag',
  /** Neither is known: the copy's own CreationTime, later than the real point (a lower bound on age). */
  CopyTime: 'copy-time',
} as const;
export type PointFrom = (typeof PointFrom)[keyof typeof PointFrom];

export interface RecoveryPoint {
  copy: Snapshot;
  /** Epoch ms of the point in time a restore from this copy returns the disk to. */
  pointMs: number;
  from: PointFrom;
}

/** Epoch ms of an ISO time; ISO strings with and without milliseconds do not sort as text. */
export function ms(iso: string | undefined): number {
  if (iso === undefined || iso === '') return Number.NaN;
  return Date.parse(iso);
}

/**
 * The recovery point of one copy: its source's CreationTime as ECS reports it (`sourceMs`, when
 * discovery or a lookup saw the source), else our tag, else the copy's own time.
 */
export function recoveryPoint(copy: Snapshot, sourceMs: number | undefined): RecoveryPoint {
  const fromSource = sourceMs;
  if (fromSource !== undefined && !Number.isNaN(fromSource)) {
    return { copy, pointMs: fromSource, from: PointFrom.SourceSnapshot };
  }
  const tagged = ms(copy.tags[PROVENANCE_TAG_KEYS.sourceTime]);
  // A tag later than the copy itself cannot be right (the source predates its copy).
  if (!Number.isNaN(tagged) && tagged <= ms(copy.creationTime)) {
    return { copy, pointMs: tagged, from: PointFrom.SourceTimeTag };
  }
  return { copy, pointMs: ms(copy.creationTime) || 0, from: PointFrom.CopyTime };
}

/** Newest point first; equal points keep the newer-made copy first. */
export function byNewestPoint(a: RecoveryPoint, b: RecoveryPoint): number {
  return (
    b.pointMs - a.pointMs ||
    (ms(b.copy.creationTime) || 0) - (ms(a.copy.creationTime) || 0) ||
    b.copy.snapshotId.localeCompare(a.copy.snapshotId)
  );
}

/** The completed copies of one (disk, destination) with their points, newest point first. */
export function completedPoints(
  copies: readonly Snapshot[],
  sourceMsOf: (copy: Snapshot) => number | undefined,
): RecoveryPoint[] {
  const points: RecoveryPoint[] = [];
  for (const c of copies) {
    if (c.status === 'accomplished') points.push(recoveryPoint(c, sourceMsOf(c)));
  }
  return points.sort(byNewestPoint);
}

/** Hours between a point and now. */
export function ageHours(pointMs: number, now: Date): number {
  return (now.getTime() - pointMs) / 3_600_000;
}
