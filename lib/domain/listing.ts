import { CloudApiError } from '../cloud/errors.ts';
import { Code } from '../codes.ts';
import type { EcsApi, Snapshot, SnapshotQuery } from '../ports.ts';

/**
 * The one way this product lists snapshots (discover, reconcile, prune, status): complete
 * whatever the count, at the fewest calls it can tell.
 *
 * ECS documents that a DescribeSnapshots query filtered by `Tag.N` shows at most 1,000
 * snapshots in all, across its NextToken pages. Three routes exist:
 *
 * | route        | calls for N tagged among M snapshots in scope         | complete          |
 * |--------------|-------------------------------------------------------|-------------------|
 * | tag-query    | ceil(N / 100)                                         | only when N < 1000 |
 * | unfiltered   | ceil(M / 100), tags checked here                      | always            |
 * | tag-index    | ceil(rows / 50) ListTagResources + ceil(N / 100) by id | always            |
 *
 * (rows = N × tags per snapshot: ListTagResources answers one row per tag, 50 a page.)
 * The route is chosen by measured cost: one unfiltered page is read first. When it already
 * holds everything, or when at least half of it matches, the unfiltered listing is the
 * cheapest complete answer and it goes on from there (0 calls wasted). Otherwise the tag
 * query runs (1 call wasted: the probe); if that reaches the cap, the listing finishes by
 * whichever of the two complete routes the probe's match fraction says is cheaper.
 */

/** DOC: a `Tag.N` DescribeSnapshots query shows at most this many snapshots. */
export const TAG_QUERY_CAP = 1000;
/** DescribeSnapshots: MaxResults at most 100; SnapshotIds at most 100 ids. */
export const PAGE_SIZE = 100;
export const IDS_PER_CALL = 100;
/** ListTagResources answers 50 rows a page (one row per tag of each resource). */
export const TAG_ROWS_PER_PAGE = 50;
/** A probe page at least this full of matches makes the unfiltered listing the route. */
export const PROBE_KEEP_FRACTION = 0.5;

export const ListingRoute = {
  TagQuery: 'tag-query',
  Unfiltered: 'unfiltered',
  TagIndex: 'tag-index',
} as const;
export type ListingRoute = (typeof ListingRoute)[keyof typeof ListingRoute];

/** A rate-limited, retried call (the engine's `ctx.call`); the listing adds no retry of its own. */
export type ListingCall = <T>(
  api: string,
  region: string,
  fn: () => Promise<T>,
) => Promise<{ value: T }>;

export interface ListingDeps {
  ecs: Pick<EcsApi, 'describeSnapshots' | 'listTaggedSnapshots'>;
  call: ListingCall;
}

export interface ListingOptions {
  /**
   * Only the tag query, never a route past its cap: for tests of the truncation guard (and
   * for an account whose RAM policy does not allow the other routes). A listing that reaches
   * the cap is then returned with `truncated: true`.
   */
  tagQueryOnly?: boolean;
}

export interface Listing {
  /** Every snapshot matching the query and all its tags, each once, in no promised order. */
  snapshots: Snapshot[];
  /** Calls made (every page of every route, probe included). */
  calls: number;
  route: ListingRoute;
  /** True when the answer may be missing snapshots: never complete, never a basis to prune. */
  truncated: boolean;
}

const hasTags = (s: Snapshot, tags: Record<string, string>) => {
  for (const key in tags) if (s.tags[key] !== tags[key]) return false;
  return true;
};

/**
 * Follows NextToken pages of one API, each page one rate-limited, retried call. A token seen
 * twice ends the listing with an error: following it would list the same pages until the
 * function times out. `onPage` answering true stops early, keeping the token to resume from.
 */
async function follow<P extends { nextToken?: string; requestId: string }>(
  deps: ListingDeps,
  api: string,
  region: string,
  fetch: (token: string | undefined) => Promise<P>,
  onPage: (page: P) => boolean | undefined,
  start?: string,
): Promise<{ calls: number; nextToken: string | undefined }> {
  let nextToken = start;
  let calls = 0;
  const seen = new Set<string>();
  do {
    const token = nextToken;
    const { value } = await deps.call(api, region, () => fetch(token));
    calls += 1;
    nextToken = value.nextToken || undefined;
    if (nextToken !== undefined) {
      if (seen.has(nextToken)) {
        throw new CloudApiError({
          code: Code.NextTokenLoop,
          message: `${api} in ${region} returned NextToken ${nextToken.slice(0, 32)} a second time after ${calls} page(s): listing stopped`,
          api,
          region,
          requestId: value.requestId || undefined,
        });
      }
      seen.add(nextToken);
    }
    if (onPage(value) === true) break;
  } while (nextToken !== undefined);
  return { calls, nextToken };
}

/** DescribeSnapshots pages of one query. */
function pages(
  deps: ListingDeps,
  query: SnapshotQuery,
  onPage: (page: Snapshot[]) => boolean | undefined,
  start?: string,
) {
  return follow(
    deps,
    'DescribeSnapshots',
    query.regionId,
    (token) => deps.ecs.describeSnapshots(query, token),
    (page) => onPage(page.snapshots),
    start,
  );
}

/**
 * Every snapshot of `query.regionId` that matches `query` and carries every tag in `tags`,
 * complete past the 1,000-result tag cap (see the route table above).
 */
export async function listSnapshots(
  deps: ListingDeps,
  query: Omit<SnapshotQuery, 'tags' | 'maxResults'>,
  tags: Record<string, string> = {},
  options: ListingOptions = {},
): Promise<Listing> {
  const found = new Map<string, Snapshot>();
  const keep = (page: Snapshot[]) => {
    let matched = 0;
    for (const s of page) {
      if (!hasTags(s, tags)) continue;
      matched += 1;
      found.set(s.snapshotId, s);
    }
    return matched;
  };
  const base: SnapshotQuery = { ...query, maxResults: PAGE_SIZE };
  const done = (route: ListingRoute, calls: number, truncated = false): Listing => ({
    snapshots: [...found.values()],
    calls,
    route,
    truncated,
  });
  if (Object.keys(tags).length === 0) {
    const { calls } = await pages(deps, base, (page) => {
      keep(page);
      return undefined;
    });
    return done(ListingRoute.Unfiltered, calls);
  }

  // The probe: one unfiltered page. Its match fraction prices the routes.
  let probeSize = 0;
  let probeMatched = 0;
  const probe = await pages(deps, base, (page) => {
    probeSize = page.length;
    probeMatched = keep(page);
    return true;
  });
  let calls = probe.calls;
  if (probe.nextToken === undefined) return done(ListingRoute.Unfiltered, calls);
  const fraction = probeSize === 0 ? 0 : probeMatched / probeSize;
  if (fraction >= PROBE_KEEP_FRACTION && !options.tagQueryOnly) {
    const rest = await pages(deps, base, (page) => void keep(page), probe.nextToken);
    return done(ListingRoute.Unfiltered, calls + rest.calls);
  }

  let served = 0;
  let tagsPerSnapshot = 0;
  const tagged = await pages(deps, { ...base, tags }, (page) => {
    served += page.length;
    for (const s of page) tagsPerSnapshot += Object.keys(s.tags).length;
    keep(page);
    return undefined;
  });
  calls += tagged.calls;
  if (served < TAG_QUERY_CAP) return done(ListingRoute.TagQuery, calls);
  if (options.tagQueryOnly) return done(ListingRoute.TagQuery, calls, true);

  // Past the cap. Per tagged snapshot, the unfiltered listing costs 1 / (100 × fraction) calls,
  // the tag index (rows / 50) + 1 / 100.
  const rowsPerSnapshot = Math.max(1, tagsPerSnapshot / served);
  const unfilteredCost = fraction === 0 ? Number.POSITIVE_INFINITY : 1 / (PAGE_SIZE * fraction);
  const indexCost = rowsPerSnapshot / TAG_ROWS_PER_PAGE + 1 / IDS_PER_CALL;
  if (unfilteredCost <= indexCost) {
    const rest = await pages(deps, base, (page) => void keep(page), probe.nextToken);
    return done(ListingRoute.Unfiltered, calls + rest.calls);
  }
  calls += await listByTagIndex(deps, base, tags, keep);
  return done(ListingRoute.TagIndex, calls);
}

/** ListTagResources (paged) for the ids, then DescribeSnapshots by 100 ids with the query's filters. */
async function listByTagIndex(
  deps: ListingDeps,
  base: SnapshotQuery,
  tags: Record<string, string>,
  keep: (page: Snapshot[]) => number,
): Promise<number> {
  const region = base.regionId;
  const ids = new Set<string>();
  let { calls } = await follow(
    deps,
    'ListTagResources',
    region,
    (token) => deps.ecs.listTaggedSnapshots(region, tags, token),
    (page) => {
      for (const row of page.rows) ids.add(row.resourceId);
      return undefined;
    },
  );
  calls += await describeByIds(deps, base, [...ids], keep);
  return calls;
}

/** DescribeSnapshots by `SnapshotIds`, 100 ids a call, with the query's other filters. */
export async function describeByIds(
  deps: Pick<ListingDeps, 'ecs' | 'call'>,
  base: Omit<SnapshotQuery, 'snapshotIds'>,
  ids: readonly string[],
  keep: (page: Snapshot[]) => unknown,
): Promise<number> {
  let calls = 0;
  for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
    const batch = ids.slice(i, i + IDS_PER_CALL);
    const { calls: n } = await pages(
      deps,
      { ...base, snapshotIds: batch, maxResults: PAGE_SIZE },
      (page) => void keep(page),
    );
    calls += n;
  }
  return calls;
}
