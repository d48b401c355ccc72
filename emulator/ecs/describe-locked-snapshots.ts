import { snapshotArn } from '../actions/arn.ts';
import type { ActionSpec } from '../actions/context.ts';
import { optional, optionalBool, optionalInt, readList } from '../actions/params.ts';
import type { SnapshotRecord } from '../model/records.ts';
import { apiError } from '../protocol/api-error.ts';
import { regionParam } from './region-param.ts';
import { LockStatus, lockStatus, lockView } from './snapshot-lock.ts';

const MAX_IDS = 100;
const MAX_RESULTS = 100;
const DEFAULT_RESULTS = 10;
const STATUSES = new Set<string>(Object.values(LockStatus));

/** SnapshotIds as the Tea SDK flattens it (SnapshotIds.N) or as a JSON array (pop-core style). */
function snapshotIds(params: Readonly<Record<string, string>>): string[] | undefined {
  const listed = readList(params, 'SnapshotIds');
  const raw = optional(params, 'SnapshotIds');
  let ids: unknown = listed.length > 0 ? listed : undefined;
  if (raw !== undefined) {
    try {
      ids = JSON.parse(raw);
    } catch {
      throw apiError('InvalidSnapshotIds.Malformed');
    }
  }
  if (ids === undefined) return undefined;
  if (!Array.isArray(ids) || ids.length > MAX_IDS || !ids.every((i) => typeof i === 'string')) {
    throw apiError('InvalidSnapshotIds.Malformed');
  }
  return ids as string[];
}

/**
 * DescribeLockedSnapshots: the locks of a region's snapshots (every lock ever set and not
 * unlocked, expired ones included, as `expired`), by SnapshotIds (≤ 100) and LockStatus, ordered
 * by snapshot id, MaxResults (≤ 100, default 10) + NextToken.
 */
export const describeLockedSnapshots: ActionSpec = {
  mutates: false,
  handle(ctx) {
    const region = regionParam(ctx.model, ctx.params);
    ctx.authorize('ecs:DescribeLockedSnapshots', snapshotArn(region, ctx.model.accountId, '*'));
    const ids = snapshotIds(ctx.params);
    const wanted = optional(ctx.params, 'LockStatus');
    if (wanted !== undefined && !STATUSES.has(wanted))
      throw apiError('InvalidParameter', 'LockStatus');
    const max = optionalInt(ctx.params, 'MaxResults') ?? DEFAULT_RESULTS;
    if (max < 1 || max > MAX_RESULTS) throw apiError('InvalidParameter', 'MaxResults');
    const token = optional(ctx.params, 'NextToken');
    let after = '';
    if (token !== undefined) {
      after = Buffer.from(token, 'base64url').toString('utf8');
      if (after === '') throw apiError('InvalidNextToken.Malformed');
    }
    if (optionalBool(ctx.params, 'DryRun') === true) throw apiError('DryRunOperation');

    const candidates: SnapshotRecord[] = [];
    if (ids !== undefined) {
      for (const id of new Set(ids)) {
        const s = ctx.model.snapshots.get(id);
        if (s !== undefined && s.regionId === region) candidates.push(s);
      }
    } else candidates.push(...ctx.model.regionSnapshots(region));
    const matches = candidates
      .filter(
        (s) =>
          s.lock !== undefined &&
          s.snapshotId > after &&
          (wanted === undefined || lockStatus(s.lock, ctx.now) === wanted),
      )
      .sort((a, b) => (a.snapshotId < b.snapshotId ? -1 : a.snapshotId > b.snapshotId ? 1 : 0));
    const page = matches.slice(0, max);
    const last = page.at(-1);
    return {
      LockedSnapshotsInfo: page.map((s) => lockView(s.snapshotId, s.lock!, ctx.now)),
      NextToken:
        matches.length > max && last !== undefined
          ? Buffer.from(last.snapshotId).toString('base64url')
          : '',
    };
  },
};
