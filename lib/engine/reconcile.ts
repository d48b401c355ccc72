import { CloudApiError } from '../cloud/errors.ts';
import type { Snapshot } from '../cloud/ports.ts';
import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { EngineContext } from './context.ts';
import { listAll } from './discover.ts';

/**
 * Set on a copy once its completion (or failure) has been recorded, so each copy gets exactly
 * one completed/failed record across runs without any state outside the cloud.
 */
export const REPORTED_TAG_KEY = 'dr-replicator:reported';

export interface DestinationCopies {
  region: string;
  /** Set when listing failed: nothing is planned or pruned in this destination this run. */
  error?: CloudApiError;
  /** Copies by `${sourceRegion}|${sourceSnapshotId}`, newest first. */
  bySource: Map<string, Snapshot[]>;
  /** Copies by source disk id, newest first. */
  byDisk: Map<string, Snapshot[]>;
  /** Copies whose tag and SourceSnapshotId disagree (indexed under both). */
  mismatched: Snapshot[];
  pages: number;
}

export function pairKey(sourceRegion: string, snapshotId: string): string {
  return `${sourceRegion}|${snapshotId}`;
}

export function copySource(copy: Snapshot): { region: string; snapshotId: string; diskId: string } {
  return {
    region: copy.tags[PROVENANCE_TAG_KEYS.sourceRegion] ?? copy.sourceRegionId ?? '',
    snapshotId: copy.tags[PROVENANCE_TAG_KEYS.sourceSnapshot] ?? copy.sourceSnapshotId ?? '',
    diskId: copy.tags[PROVENANCE_TAG_KEYS.sourceDisk] ?? '',
  };
}

/** Builds the indexes from a destination listing (pure: tested without a cloud). */
export function indexCopies(region: string, copies: Iterable<Snapshot>): DestinationCopies {
  const state: DestinationCopies = {
    region,
    bySource: new Map(),
    byDisk: new Map(),
    mismatched: [],
    pages: 0,
  };
  const push = (map: Map<string, Snapshot[]>, key: string, copy: Snapshot) => {
    const list = map.get(key);
    if (list) list.push(copy);
    else map.set(key, [copy]);
  };
  for (const copy of copies) {
    const source = copySource(copy);
    if (!source.snapshotId) continue;
    push(state.bySource, pairKey(source.region, source.snapshotId), copy);
    // The tag is authoritative (we wrote it); if the API's own field disagrees, index the copy
    // under both so neither source is copied again, and surface the mismatch.
    if (copy.sourceSnapshotId && copy.sourceSnapshotId !== source.snapshotId) {
      state.mismatched.push(copy);
      push(
        state.bySource,
        pairKey(copy.sourceRegionId ?? source.region, copy.sourceSnapshotId),
        copy,
      );
    }
    if (source.diskId) push(state.byDisk, source.diskId, copy);
  }
  for (const list of [...state.bySource.values(), ...state.byDisk.values()]) {
    list.sort(newestFirst);
  }
  return state;
}

export function newestFirst(a: Snapshot, b: Snapshot): number {
  return (
    Date.parse(b.creationTime) - Date.parse(a.creationTime) ||
    b.snapshotId.localeCompare(a.snapshotId)
  );
}

async function reconcileDestination(ctx: EngineContext, region: string) {
  const copies: Snapshot[] = [];
  try {
    const pages = await listAll(
      ctx,
      {
        regionId: region,
        status: 'all',
        tags: { [PROVENANCE_TAG_KEYS.policy]: ctx.policy.name },
        maxResults: 100,
      },
      (page) => {
        // The server filtered by tag; checked again because pruning trusts this list.
        for (const s of page) {
          if (s.tags[PROVENANCE_TAG_KEYS.policy] === ctx.policy.name) copies.push(s);
        }
      },
    );
    const state = indexCopies(region, copies);
    state.pages = pages;
    return state;
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    const state = indexCopies(region, []);
    state.error = error;
    return state;
  }
}

/** Step 4: what already exists in each destination (the cloud is the state store). */
export function reconcile(ctx: EngineContext, regions: string[]): Promise<DestinationCopies[]> {
  return Promise.all(regions.map((region) => reconcileDestination(ctx, region)));
}
