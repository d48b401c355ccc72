import { AlertKind } from '../records/types.ts';
import { stopDestination } from './escalate.ts';
import type { Prepared } from './prepare.ts';
import type { RunSession } from './session.ts';

/** What the findings leave for the exit code: each makes the run exit 1. */
export interface Findings {
  sourceFailures: number;
  /** Listings that may be truncated. */
  incomplete: number;
}

/**
 * Alerts for what the read-only steps found, before any work: sources that could not be listed,
 * stopped destinations, truncated listings, RPO breaches, stale sources, unknown locks.
 */
export function reportFindings(session: RunSession, prepared: Prepared): Findings {
  const { book } = session;
  let sourceFailures = 0;
  for (const source of prepared.sources) {
    if (!source.error) continue;
    sourceFailures += 1;
    book.alert(AlertKind.SourceUnavailable, {
      sourceRegion: source.region,
      errorCode: source.error.code,
      message: `snapshots in ${source.region} could not be listed: ${source.error.message}`,
    });
  }
  for (const { dest, stopped } of prepared.destinations) {
    if (stopped) stopDestination(session, dest.region, stopped);
  }
  const incomplete = alertIncompleteListings(session, prepared);
  for (const breach of prepared.work.rpoBreaches) {
    book.alert(AlertKind.RpoBreach, {
      destRegion: breach.destRegion,
      sourceRegion: breach.sourceRegion,
      diskId: breach.diskId,
      message: `newest recovery point of ${breach.diskId} in ${breach.destRegion} is ${breach.hours.toFixed(1)} h old (RPO ${breach.rpoHours} h)${breach.copySnapshotId ? `: ${breach.copySnapshotId}` : ': no completed copy'}`,
    });
  }
  for (const stale of prepared.work.staleSources ?? []) {
    book.alert(AlertKind.SourceStale, {
      destRegion: stale.destRegion,
      sourceRegion: stale.sourceRegion,
      diskId: stale.diskId,
      message: `${stale.diskId} in ${stale.sourceRegion} produced no snapshot in the lookback window: its newest recovery point in ${stale.destRegion} (${stale.copySnapshotId}) is ${stale.hours.toFixed(1)} h old (RPO ${stale.rpoHours} h). Check the disk's snapshot policy, or list it in source.retiredDisks if it was decommissioned`,
    });
  }
  for (const { dest, locksUnknown } of prepared.destinations) {
    if (!locksUnknown) continue;
    book.alert(AlertKind.CopyUnlocked, {
      destRegion: dest.region,
      errorCode: locksUnknown.code,
      message: `${locksUnknown.message}: no copy is locked or pruned there this run`,
    });
  }
  return { sourceFailures, incomplete };
}

/** One listing-incomplete alert per listing that may be truncated: nothing is pruned then. */
function alertIncompleteListings({ book }: RunSession, prepared: Prepared): number {
  let n = 0;
  for (const source of prepared.sources) {
    if (!source.truncated) continue;
    n += 1;
    book.alert(AlertKind.ListingIncomplete, {
      sourceRegion: source.region,
      message: `the snapshot listing of ${source.region} may be truncated (a tag query reached its documented 1,000-result cap): snapshots may be missing from this run, and nothing is pruned`,
    });
  }
  for (const { dest, copies } of prepared.destinations) {
    if (!copies.truncated) continue;
    n += 1;
    book.alert(AlertKind.ListingIncomplete, {
      destRegion: dest.region,
      message: `the copy listing of ${dest.region} may be truncated (a tag query reached its documented 1,000-result cap): copies may be missing, and nothing is pruned there`,
    });
  }
  return n;
}
