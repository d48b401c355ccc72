import { snapshotArn } from '../actions/arn.ts';
import type { ActionContext, ActionSpec } from '../actions/context.ts';
import { optional, optionalBool, optionalInt, readTagParams } from '../actions/params.ts';
import type { SnapshotRecord } from '../model/records.ts';
import { compareNewestFirst } from '../model/snapshot-index.ts';
import { apiError } from '../protocol/api-error.ts';
import { regionParam } from './region-param.ts';
import { snapshotLinkId, snapshotView } from './snapshot-view.ts';

const STATUSES = new Set(['progressing', 'accomplished', 'failed', 'all']);
const TYPES = new Set(['auto', 'user', 'all']);
const CATEGORIES = new Set(['standard', 'flash', 'archive']);
const USAGES = new Set(['image', 'disk', 'image_disk', 'none']);
const FILTER_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/;
const MAX_IDS = 100;
const MAX_PAGE = 100;
const DEFAULT_PAGE = 10;
/** Index sets up to this size are sorted per page; larger ones only filter the region walk. */
const SMALL_SET = 2000;

/**
 * DOC-DS: a tag query shows at most 1,000 resources (more need ListTagResources). The cap holds
 * across NextToken pages, so the cursor carries how many matches were served before it.
 */
const TAG_QUERY_CAP = 1000;

interface Cursor {
  creationTime: number;
  snapshotId: string;
  served: number;
}

function encodeCursor(s: SnapshotRecord, served: number): string {
  return Buffer.from(JSON.stringify([s.creationTime, s.snapshotId, served])).toString('base64url');
}

function decodeCursor(token: string): Cursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      typeof v[0] === 'number' &&
      typeof v[1] === 'string' &&
      Number.isInteger(v[2]) &&
      v[2] >= 0
    ) {
      return { creationTime: v[0], snapshotId: v[1], served: v[2] as number };
    }
  } catch {
    // falls through to the error below
  }
  throw apiError('InvalidNextToken.Malformed');
}

function parseFilterTime(value: string | undefined): number {
  if (value === undefined || !FILTER_TIME_RE.test(value)) throw apiError('InvalidFilterValue');
  const iso = value.replace('Z', ':00Z');
  const t = Date.parse(iso);
  // Date.parse rolls 2026-02-30 over to March 2; a date that does not exist is refused.
  if (Number.isNaN(t) || new Date(t).toISOString() !== iso.replace('Z', '.000Z')) {
    throw apiError('InvalidFilterValue');
  }
  return t;
}

/** SnapshotLinkId: a JSON array of up to 100 chain ids (current page) or one id (older page). */
function parseSnapshotLinkIds(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  if (!raw.trimStart().startsWith('[')) return [raw];
  let ids: unknown;
  try {
    ids = JSON.parse(raw);
  } catch {
    throw apiError('InvalidSnapshotLinkId.NotFound');
  }
  if (!Array.isArray(ids) || ids.length > MAX_IDS || !ids.every((i) => typeof i === 'string')) {
    throw apiError('InvalidSnapshotLinkId.NotFound');
  }
  return ids as string[];
}

function parseSnapshotIds(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  let ids: unknown;
  try {
    ids = JSON.parse(raw);
  } catch {
    throw apiError('InvalidSnapshotIds.Malformed');
  }
  if (!Array.isArray(ids) || ids.length > MAX_IDS || !ids.every((i) => typeof i === 'string')) {
    throw apiError('InvalidSnapshotIds.Malformed');
  }
  return ids as string[];
}

/** Reads and checks every filter, then returns the predicate and the index-driven candidates. */
function compileQuery(ctx: ActionContext, region: string) {
  const p = ctx.params;
  const status = optional(p, 'Status')?.toLowerCase() ?? 'all';
  if (!STATUSES.has(status)) throw apiError('InvalidStatus.NotFound');
  const type = optional(p, 'SnapshotType')?.toLowerCase() ?? 'all';
  if (!TYPES.has(type)) throw apiError('InvalidSnapshotType.NotFound');
  const category = optional(p, 'Category')?.toLowerCase();
  if (category !== undefined && !CATEGORIES.has(category)) {
    throw apiError('InvalidSnapshotCategory.Malformed');
  }
  const diskType = optional(p, 'SourceDiskType')?.toLowerCase();
  if (diskType !== undefined && diskType !== 'system' && diskType !== 'data') {
    throw apiError('InvalidSourceDiskType');
  }
  const usage = optional(p, 'Usage');
  if (usage !== undefined && !USAGES.has(usage)) throw apiError('InvalidUsage');
  const encrypted = optionalBool(p, 'Encrypted');
  const ids = parseSnapshotIds(optional(p, 'SnapshotIds'));
  const diskId = optional(p, 'DiskId');
  const instanceId = optional(p, 'InstanceId');
  const name = optional(p, 'SnapshotName');
  const kmsKeyId = optional(p, 'KMSKeyId');
  const resourceGroupId = optional(p, 'ResourceGroupId');
  const linkIds = parseSnapshotLinkIds(optional(p, 'SnapshotLinkId'));

  const tags = readTagParams(p);
  if (tags.length > 20 || tags.some((t) => t.n < 1 || t.n > 20)) throw apiError('InvalidTagCount');
  for (const t of tags)
    if (t.key === undefined || t.key === '') throw apiError('InvalidTag.Mismatch');

  let createdFrom = Number.NEGATIVE_INFINITY;
  let createdTo = Number.POSITIVE_INFINITY;
  for (const n of [1, 2, 3]) {
    const key = optional(p, `Filter.${n}.Key`);
    const value = optional(p, `Filter.${n}.Value`);
    if (key === undefined && value === undefined) continue;
    if (key === 'CreationStartTime') createdFrom = parseFilterTime(value);
    else if (key === 'CreationEndTime') createdTo = parseFilterTime(value);
    else throw apiError('InvalidFilterKey.NotFound');
  }

  const matches = (s: SnapshotRecord): boolean =>
    s.regionId === region &&
    (status === 'all' || s.status === status) &&
    (type === 'all' || s.snapshotType === type) &&
    (category === undefined || s.category === category) &&
    (diskType === undefined || s.sourceDiskType === diskType) &&
    (usage === undefined || usage === 'none') &&
    (encrypted === undefined || s.encrypted === encrypted) &&
    (diskId === undefined || s.sourceDiskId === diskId) &&
    (instanceId === undefined || s.instanceId === instanceId) &&
    (name === undefined || s.name === name) &&
    (kmsKeyId === undefined || s.kmsKeyId === kmsKeyId) &&
    (resourceGroupId === undefined || s.resourceGroupId === resourceGroupId) &&
    (linkIds === undefined || linkIds.includes(snapshotLinkId(s))) &&
    s.creationTime >= createdFrom &&
    s.creationTime <= createdTo &&
    tags.every((t) =>
      t.value === undefined ? Object.hasOwn(s.tags, t.key!) : s.tags[t.key!] === t.value,
    ) &&
    (ids === undefined || ids.includes(s.snapshotId));

  // The smallest index set wins when it is small; a large one (a tag most snapshots carry) is
  // cheaper to use as a filter while walking the region's sorted list newest first, which
  // stops once the page is full instead of sorting the whole set on every page.
  const sets: ReadonlySet<string>[] = [];
  if (ids !== undefined) sets.push(new Set(ids));
  if (diskId !== undefined) sets.push(ctx.model.idsForDisk(diskId));
  if (instanceId !== undefined) sets.push(ctx.model.idsForInstance(instanceId));
  for (const t of tags) {
    sets.push(
      t.value === undefined ? ctx.model.idsForTagKey(t.key!) : ctx.model.idsForTag(t.key!, t.value),
    );
  }
  const regionSize = ctx.model.regionSnapshotCount(region);
  const smallest = sets
    .sort((a, b) => a.size - b.size)
    .find((set) => set.size <= SMALL_SET || set.size * 20 <= regionSize);
  const cap = tags.length > 0 ? TAG_QUERY_CAP : Number.POSITIVE_INFINITY;
  return { matches, smallest, createdFrom, cap };
}

/** Yields matching snapshots newest first, starting after `cursor`. */
function* scan(
  ctx: ActionContext,
  region: string,
  query: ReturnType<typeof compileQuery>,
  cursor: Cursor | undefined,
): Generator<SnapshotRecord> {
  if (query.smallest !== undefined) {
    const found: SnapshotRecord[] = [];
    for (const id of query.smallest) {
      const s = ctx.model.snapshots.get(id);
      if (s !== undefined && query.matches(s)) found.push(s);
    }
    found.sort(compareNewestFirst);
    for (const s of found) {
      if (cursor !== undefined && compareNewestFirst(s, cursor) <= 0) continue;
      yield s;
    }
    return;
  }
  const index = ctx.model.regionIndex(region);
  if (index === undefined) return;
  const start = cursor === undefined ? index.items.length : index.lowerBound(cursor);
  for (let i = start - 1; i >= 0; i--) {
    const s = index.items[i]!;
    if (s.creationTime < query.createdFrom) return;
    if (query.matches(s)) yield s;
  }
}

export const describeSnapshots: ActionSpec = {
  mutates: false,
  handle(ctx) {
    const region = regionParam(ctx.model, ctx.params);
    ctx.authorize('ecs:DescribeSnapshots', snapshotArn(region, ctx.model.accountId, '*'));
    const query = compileQuery(ctx, region);
    const maxResults = optionalInt(ctx.params, 'MaxResults');
    const nextToken = optional(ctx.params, 'NextToken');
    const pageNumber = optionalInt(ctx.params, 'PageNumber');
    const pageSize = optionalInt(ctx.params, 'PageSize');
    if (maxResults !== undefined && (maxResults < 1 || maxResults > MAX_PAGE)) {
      throw apiError('InvalidParameter', 'MaxResults');
    }
    if (pageSize !== undefined && (pageSize < 1 || pageSize > MAX_PAGE)) {
      throw apiError('InvalidParameter', 'PageSize');
    }
    if (pageNumber !== undefined && pageNumber < 1)
      throw apiError('InvalidParameter', 'PageNumber');
    if (optionalBool(ctx.params, 'DryRun') === true) throw apiError('DryRunOperation');

    if (maxResults !== undefined || nextToken !== undefined) {
      const cursor = nextToken === undefined ? undefined : decodeCursor(nextToken);
      const served = cursor?.served ?? 0;
      const limit = Math.max(0, Math.min(maxResults ?? DEFAULT_PAGE, query.cap - served));
      const page: SnapshotRecord[] = [];
      let more = false;
      for (const s of scan(ctx, region, query, cursor)) {
        if (page.length === limit) {
          more = served + page.length < query.cap;
          break;
        }
        page.push(s);
      }
      const last = page[page.length - 1];
      return {
        // As documented, TotalCount is not meaningful with MaxResults/NextToken.
        TotalCount: page.length,
        NextToken: more && last !== undefined ? encodeCursor(last, served + page.length) : '',
        Snapshots: { Snapshot: page.map((s) => snapshotView(s, ctx.now)) },
      };
    }

    const size = pageSize ?? DEFAULT_PAGE;
    const number = pageNumber ?? 1;
    const all = [...scan(ctx, region, query, undefined)].slice(0, query.cap);
    return {
      TotalCount: all.length,
      PageNumber: number,
      PageSize: size,
      NextToken: '',
      Snapshots: {
        Snapshot: all
          .slice((number - 1) * size, number * size)
          .map((s) => snapshotView(s, ctx.now)),
      },
    };
  },
};
