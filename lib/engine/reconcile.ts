import { CloudApiError } from '../cloud/errors.ts';
import { listSnapshots } from '../domain/listing.ts';
import { PairMap } from '../domain/pair-map.ts';
import { type CopyOrigin, CopyVerdict, provenanceOf } from '../domain/provenance.ts';
import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { Snapshot } from '../ports.ts';
import type { PlanSession } from './session.ts';

/**
 * Set on a copy once its completion (or failure) has been recorded, so each copy gets exactly
 * one completed/failed record across runs without any state outside the cloud.
 */
export const REPORTED_TAG_KEY = 'dr-replicator:reported';

/** A snapshot with this policy's tag that is not this policy's copy, and why. */
export interface Foreign {
  snapshot: Snapshot;
  verdict: typeof CopyVerdict.NotACopy | typeof CopyVerdict.TagsDisagree;
  reason: string;
}

export interface DestinationCopies {
  region: string;
  /** Set when listing failed: nothing is planned or pruned in this destination this run. */
  error?: CloudApiError;
  /** True when the listing may be missing copies: nothing is pruned here this run. */
  truncated: boolean;
  /** Our copies (provenance rule) by source region and snapshot id, newest first. */
  bySource: PairMap<Snapshot[]>;
  /** Our copies by source disk id, newest first. */
  byDisk: Map<string, Snapshot[]>;
  /** Snapshots tagged with this policy that are not its copies: never counted, never pruned. */
  foreign: Foreign[];
  /** Every snapshot id the listing returned (ours and foreign): what "the destination lists". */
  listed: Set<string>;
  pages: number;
}

/** The origin of one of our copies (callers only hold copies that passed the rule). */
export function copySource(copy: Snapshot): CopyOrigin {
  return {
    region: copy.sourceRegionId ?? copy.tags[PROVENANCE_TAG_KEYS.sourceRegion] ?? '',
    snapshotId: copy.sourceSnapshotId ?? copy.tags[PROVENANCE_TAG_KEYS.sourceSnapshot] ?? '',
    diskId: copy.tags[PROVENANCE_TAG_KEYS.sourceDisk] ?? '',
  };
}

/** Builds the indexes from a destination listing (pure: tested without a cloud). */
export function indexCopies(
  region: string,
  policyName: string,
  snapshots: Iterable<Snapshot>,
): DestinationCopies {
  const state: DestinationCopies = {
    region,
    truncated: false,
    bySource: new PairMap(),
    byDisk: new Map(),
    foreign: [],
    listed: new Set(),
    pages: 0,
  };
  const push = (map: Map<string, Snapshot[]>, key: string, copy: Snapshot) => {
    const list = map.get(key);
    if (list) list.push(copy);
    else map.set(key, [copy]);
  };
  for (const snapshot of snapshots) {
    state.listed.add(snapshot.snapshotId);
    const provenance = provenanceOf(snapshot, policyName);
    if (provenance.verdict !== CopyVerdict.Ours) {
      state.foreign.push({ snapshot, verdict: provenance.verdict, reason: provenance.reason });
      continue;
    }
    const { origin } = provenance;
    const ofSource = state.bySource.get(origin.region, origin.snapshotId);
    if (ofSource) ofSource.push(snapshot);
    else state.bySource.set(origin.region, origin.snapshotId, [snapshot]);
    if (origin.diskId) push(state.byDisk, origin.diskId, snapshot);
  }
  for (const list of state.bySource.values()) sortNewestFirst(list);
  for (const list of state.byDisk.values()) sortNewestFirst(list);
  return state;
}

/** In place: newest CreationTime first, then snapshot id descending; each time parsed once. */
function sortNewestFirst(list: Snapshot[]): void {
  const keyed = list.map((snapshot) => ({ snapshot, ms: Date.parse(snapshot.creationTime) }));
  keyed.sort((a, b) => b.ms - a.ms || b.snapshot.snapshotId.localeCompare(a.snapshot.snapshotId));
  keyed.forEach((k, i) => {
    list[i] = k.snapshot;
  });
}

/** Every snapshot tagged with the policy in one destination, complete past the tag cap. */
export async function listPolicySnapshots(session: PlanSession, region: string) {
  return listSnapshots(
    session,
    { regionId: region, status: 'all' },
    { [PROVENANCE_TAG_KEYS.policy]: session.policy.name },
    session.listing,
  );
}

async function reconcileDestination(session: PlanSession, region: string) {
  try {
    const listing = await listPolicySnapshots(session, region);
    const state = indexCopies(region, session.policy.name, listing.snapshots);
    state.pages = listing.calls;
    state.truncated = listing.truncated;
    return state;
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    const state = indexCopies(region, session.policy.name, []);
    state.error = error;
    return state;
  }
}

/** Step 4: what already exists in each destination (the cloud is the state store). */
export function reconcile(session: PlanSession, regions: string[]): Promise<DestinationCopies[]> {
  return Promise.all(regions.map((region) => reconcileDestination(session, region)));
}
