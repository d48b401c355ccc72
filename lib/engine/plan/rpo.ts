import { completedPoints } from '../../domain/recovery-point.ts';
import type { Snapshot } from '../../ports.ts';
import { copySource } from '../reconcile.ts';
import type { PlanInput } from './input.ts';

export const HOUR_MS = 3_600_000;

/** Source snapshot id -> CreationTime epoch ms, for every source discovered this run. */
export type SourceTimes = ReadonlyMap<string, number>;

/** How the plan reads a copy's source time: from this run's discovery. */
export const sourceMsIn = (times: SourceTimes) => (copy: Snapshot) =>
  times.get(copySource(copy).snapshotId);

export interface RpoBreach {
  destRegion: string;
  sourceRegion: string;
  diskId: string;
  hours: number;
  rpoHours: number;
  /** Newest completed copy, if any. */
  copySnapshotId?: string;
}

/** A disk with copies here whose source produced no snapshot in the window: RPO runs out. */
export interface StaleSource {
  diskId: string;
  sourceRegion: string;
  destRegion: string;
  /** Hours since the newest recovery point held here. */
  hours: number;
  rpoHours: number;
  copySnapshotId: string;
}

/**
 * A disk that stops producing snapshots drops out of discovery, so no run would ever see its
 * RPO run out: for every disk with our copies in a destination, no snapshot discovered this run,
 * not retired (source.retiredDisks) and its newest recovery point older than rpoHours, one
 * stale-source finding. Only from complete source listings (a failed region is its own alert).
 */
export function findStaleSources(input: PlanInput, sourceTimes: SourceTimes): StaleSource[] {
  const { policy, now } = input;
  const discovered = new Set<string>();
  for (const source of input.sources) {
    for (const s of source.snapshots) discovered.add(s.sourceDiskId);
    for (const { snapshot } of source.excluded) discovered.add(snapshot.sourceDiskId);
  }
  const retired = new Set(policy.source.retiredDisks ?? []);
  const listedRegions = new Set(input.sources.map((s) => s.region));
  const stale: StaleSource[] = [];
  for (const { dest, copies, stopped } of input.destinations) {
    if (stopped || copies.error || copies.truncated) continue;
    for (const [diskId, diskCopies] of copies.byDisk) {
      if (discovered.has(diskId) || retired.has(diskId)) continue;
      const newest = completedPoints(diskCopies, sourceMsIn(sourceTimes))[0];
      if (newest === undefined) continue;
      const region = copySource(newest.copy).region;
      if (!listedRegions.has(region)) continue;
      const hours = (now.getTime() - newest.pointMs) / HOUR_MS;
      if (hours <= dest.rpoHours) continue;
      stale.push({
        diskId,
        sourceRegion: region,
        destRegion: dest.region,
        hours,
        rpoHours: dest.rpoHours,
        copySnapshotId: newest.copy.snapshotId,
      });
    }
  }
  return stale;
}
