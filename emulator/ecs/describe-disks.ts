import { diskArn } from '../actions/arn.ts';
import type { ActionSpec } from '../actions/context.ts';
import { optional, optionalBool, optionalInt, readTagParams } from '../actions/params.ts';
import type { DiskRecord } from '../model/records.ts';
import { apiError } from '../protocol/api-error.ts';
import { diskView } from './disk-view.ts';
import { regionParam } from './region-param.ts';

const MAX_IDS = 100;
const MAX_RESULTS = 500;
const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE = 10;
const MAX_TAGS = 20;
const STATUSES = new Set([
  'In_use',
  'Available',
  'Attaching',
  'Detaching',
  'Creating',
  'ReIniting',
  'All',
]);

function diskIds(params: Readonly<Record<string, string>>): string[] | undefined {
  const raw = optional(params, 'DiskIds');
  if (raw === undefined) return undefined;
  let ids: unknown;
  try {
    ids = JSON.parse(raw);
  } catch {
    throw apiError('InvalidDiskIds.Malformed');
  }
  if (!Array.isArray(ids) || ids.length > MAX_IDS || !ids.every((i) => typeof i === 'string')) {
    throw apiError('InvalidDiskIds.Malformed');
  }
  return ids as string[];
}

/**
 * DescribeDisks of a region: filters DiskIds (JSON array, ≤ 100; an empty array matches
 * nothing), ZoneId, SnapshotId (disks created from it), Status, Category, DiskType, InstanceId,
 * Encrypted and Tag.N (all must match); ordered by disk id; NextToken + MaxResults (≤ 500) or
 * PageNumber + PageSize (≤ 100), default 10 a page.
 */
export const describeDisks: ActionSpec = {
  mutates: false,
  handle(ctx) {
    const { model, params } = ctx;
    const region = regionParam(model, params);
    ctx.authorize('ecs:DescribeDisks', diskArn(region, model.accountId, '*'));
    const ids = diskIds(params);
    const tagParams = readTagParams(params);
    if (tagParams.length > MAX_TAGS) throw apiError('InvalidTagCount');
    const tags = tagParams.map((t) => {
      if (t.key === undefined || t.key === '') throw apiError('InvalidTag.Mismatch');
      return { key: t.key, value: t.value };
    });
    const status = optional(params, 'Status');
    if (status !== undefined && !STATUSES.has(status)) throw apiError('InvalidParameter', 'Status');
    const filters = {
      zone: optional(params, 'ZoneId'),
      snapshot: optional(params, 'SnapshotId'),
      category: optional(params, 'Category'),
      type: optional(params, 'DiskType'),
      instance: optional(params, 'InstanceId'),
      encrypted: optionalBool(params, 'Encrypted'),
    };
    const token = optional(params, 'NextToken');
    const maxResults = optionalInt(params, 'MaxResults');
    if (maxResults !== undefined && (maxResults < 1 || maxResults > MAX_RESULTS)) {
      throw apiError('InvalidParameter', 'MaxResults');
    }
    const pageSize = optionalInt(params, 'PageSize') ?? DEFAULT_PAGE;
    const pageNumber = optionalInt(params, 'PageNumber') ?? 1;
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw apiError('InvalidParameter', 'PageSize');
    if (pageNumber < 1) throw apiError('InvalidParameter', 'PageNumber');
    let after = '';
    if (token !== undefined) {
      after = Buffer.from(token, 'base64url').toString('utf8');
      if (after === '') throw apiError('InvalidNextToken.Malformed');
    }
    if (optionalBool(params, 'DryRun') === true) throw apiError('DryRunOperation');

    const wanted = ids === undefined ? undefined : new Set(ids);
    const matches = (d: DiskRecord) =>
      d.regionId === region &&
      (wanted === undefined || wanted.has(d.diskId)) &&
      (filters.zone === undefined || (d.zoneId ?? model.zonesOf(region)[0]) === filters.zone) &&
      (filters.snapshot === undefined || d.sourceSnapshotId === filters.snapshot) &&
      (filters.category === undefined ||
        filters.category === 'all' ||
        d.category === filters.category) &&
      (filters.type === undefined || filters.type === 'all' || d.type === filters.type) &&
      (filters.instance === undefined || d.instanceId === filters.instance) &&
      (filters.encrypted === undefined || d.encrypted === filters.encrypted) &&
      (status === undefined || status === 'All' || model.diskStatus(d) === status) &&
      tags.every(
        (t) => Object.hasOwn(d.tags, t.key) && (t.value === undefined || d.tags[t.key] === t.value),
      );
    const all = [...model.disks.values()]
      .filter(matches)
      .sort((a, b) => (a.diskId < b.diskId ? -1 : a.diskId > b.diskId ? 1 : 0));

    if (token !== undefined || maxResults !== undefined) {
      const max = maxResults ?? DEFAULT_PAGE;
      const rest = all.filter((d) => d.diskId > after);
      const page = rest.slice(0, max);
      const last = page.at(-1);
      return {
        Disks: { Disk: page.map((d) => diskView(model, d)) },
        NextToken:
          rest.length > max && last !== undefined
            ? Buffer.from(last.diskId).toString('base64url')
            : '',
        TotalCount: all.length,
        PageNumber: 1,
        PageSize: max,
      };
    }
    const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return {
      Disks: { Disk: page.map((d) => diskView(model, d)) },
      NextToken: '',
      TotalCount: all.length,
      PageNumber: pageNumber,
      PageSize: pageSize,
    };
  },
};
