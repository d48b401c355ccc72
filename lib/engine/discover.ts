import { CloudApiError } from '../cloud/errors.ts';
import type { Snapshot, SnapshotQuery } from '../cloud/ports.ts';
import { compileNamePattern } from '../policy/name-pattern.ts';
import type { EngineContext } from './context.ts';
import { inShard } from './context.ts';

/** Categories CopySnapshot refuses (local disks have no cloud snapshot to copy). */
export const UNCOPYABLE_CATEGORIES = ['local', 'archive', 'flash'] as const;

/** More disk or instance ids than this are filtered client-side instead of one query each. */
export const MAX_SERVER_SIDE_IDS = 10;

export interface Uncopyable {
  snapshot: Snapshot;
  reason: string;
}

export interface SourceDiscovery {
  region: string;
  /** Copyable snapshots that match every selector, oldest first. */
  snapshots: Snapshot[];
  uncopyable: Uncopyable[];
  /** Set when listing failed: nothing from this region is planned this run. */
  error?: CloudApiError;
  pages: number;
}

/** The DescribeSnapshots queries for one source region (server-side filters where possible). */
export function sourceQueries(ctx: Pick<EngineContext, 'policy' | 'now'>, region: string) {
  const { select, lookbackHours } = ctx.policy.source;
  const base: SnapshotQuery = {
    regionId: region,
    status: 'accomplished',
    createdAfter: new Date(ctx.now().getTime() - lookbackHours * 3_600_000),
    maxResults: 100,
  };
  const types = select.snapshotTypes;
  if (types?.length === 1 && types[0]) base.snapshotType = types[0];
  if (select.tags && Object.keys(select.tags).length > 0) base.tags = select.tags;
  const instances = select.instanceIds ?? [];
  const disks = select.diskIds ?? [];
  if (instances.length > 0) {
    // A disk id given too narrows each instance query when there is exactly one.
    const diskId = disks.length === 1 ? disks[0] : undefined;
    return instances.map((instanceId) => ({
      ...base,
      instanceId,
      ...(diskId ? { diskId } : {}),
    }));
  }
  if (disks.length > 0 && disks.length <= MAX_SERVER_SIDE_IDS) {
    return disks.map((diskId) => ({ ...base, diskId }));
  }
  return [base];
}

/** Client-side checks for what the queries could not filter on the server. */
export function matchesSelectors(ctx: Pick<EngineContext, 'policy'>, snapshot: Snapshot): boolean {
  const { select } = ctx.policy.source;
  if (select.diskIds && !select.diskIds.includes(snapshot.sourceDiskId)) return false;
  if (select.snapshotTypes && !select.snapshotTypes.includes(snapshot.snapshotType)) return false;
  for (const [key, value] of Object.entries(select.tags ?? {})) {
    if (snapshot.tags[key] !== value) return false;
  }
  if (select.namePattern && !compileNamePattern(select.namePattern).test(snapshot.name)) {
    return false;
  }
  // A copy made by any dr-replicator policy is never a source: no copies of copies.
  if (snapshot.sourceSnapshotId || Object.keys(snapshot.tags).some(isProvenanceKey)) return false;
  return snapshot.status === 'accomplished';
}

function isProvenanceKey(key: string): boolean {
  return key.startsWith('dr-replicator:');
}

export function uncopyableReason(snapshot: Snapshot): string | undefined {
  const category = snapshot.category.toLowerCase();
  if ((UNCOPYABLE_CATEGORIES as readonly string[]).includes(category)) {
    return `category ${snapshot.category} snapshots cannot be copied across regions`;
  }
  return undefined;
}

export const ListingErrorCode = {
  /** The service handed back a NextToken it had already given in this listing. */
  NextTokenLoop: 'NextTokenLoop',
} as const;

/**
 * Lists every page of a query (NextToken), each page one rate-limited, retried call. A token
 * seen before ends the listing with an error: following it would list the same pages until
 * the function times out, with no run record.
 */
export async function listAll(
  ctx: EngineContext,
  query: SnapshotQuery,
  onPage: (snapshots: Snapshot[]) => void,
): Promise<number> {
  let nextToken: string | undefined;
  let pages = 0;
  const seen = new Set<string>();
  do {
    const token = nextToken;
    const { value } = await ctx.call('DescribeSnapshots', query.regionId, () =>
      ctx.ecs.describeSnapshots(query, token),
    );
    pages += 1;
    onPage(value.snapshots);
    nextToken = value.nextToken;
    if (nextToken !== undefined) {
      if (seen.has(nextToken)) {
        throw new CloudApiError({
          code: ListingErrorCode.NextTokenLoop,
          message: `DescribeSnapshots in ${query.regionId} returned NextToken ${nextToken.slice(0, 32)} a second time after ${pages} page(s): listing stopped`,
          api: 'DescribeSnapshots',
          region: query.regionId,
          requestId: value.requestId || undefined,
        });
      }
      seen.add(nextToken);
    }
  } while (nextToken);
  return pages;
}

async function discoverRegion(ctx: EngineContext, region: string): Promise<SourceDiscovery> {
  const seen = new Map<string, Snapshot>();
  const result: SourceDiscovery = { region, snapshots: [], uncopyable: [], pages: 0 };
  try {
    for (const query of sourceQueries(ctx, region)) {
      result.pages += await listAll(ctx, query, (page) => {
        for (const s of page) seen.set(s.snapshotId, s);
      });
    }
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    result.error = error;
    return result;
  }
  const sorted = [...seen.values()].filter((s) => matchesSelectors(ctx, s)).sort(byCreationTime);
  for (const snapshot of sorted) {
    const reason = uncopyableReason(snapshot);
    if (reason) result.uncopyable.push({ snapshot, reason });
    else result.snapshots.push(snapshot);
  }
  return result;
}

/** Step 3: source snapshots per source region in the shard, regions in parallel. */
export function discover(ctx: EngineContext): Promise<SourceDiscovery[]> {
  const regions = ctx.policy.source.regions.filter((r) => inShard(ctx.shard?.sourceRegions, r));
  return Promise.all(regions.map((region) => discoverRegion(ctx, region)));
}

export function byCreationTime(a: Snapshot, b: Snapshot): number {
  return (
    Date.parse(a.creationTime) - Date.parse(b.creationTime) ||
    a.snapshotId.localeCompare(b.snapshotId)
  );
}
