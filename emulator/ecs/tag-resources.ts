import { snapshotArn } from '../actions/arn.ts';
import type { ActionSpec } from '../actions/context.ts';
import { optional, readList, readTagParams, required } from '../actions/params.ts';
import { apiError } from '../protocol/api-error.ts';
import { regionParam } from './region-param.ts';
import { checkTags } from './rules.ts';
import { matchesTagFilters, readTagFilters } from './tag-filter.ts';

const MAX_RESOURCES = 50;
const MAX_TAGS_PER_RESOURCE = 20;
const LIST_PAGE = 50;

function checkResourceType(type: string): void {
  // Only snapshots are modelled; anything else is refused loudly rather than ignored.
  if (type.toLowerCase() !== 'snapshot') throw apiError('InvalidResourceType.NotSupported');
}

/** TagResources for snapshots: adds or overwrites tags, at most 20 per snapshot. */
export const tagResources: ActionSpec = {
  mutates: true,
  handle(ctx) {
    const region = regionParam(ctx.model, ctx.params);
    checkResourceType(required(ctx.params, 'ResourceType'));
    const ids = readList(ctx.params, 'ResourceId');
    if (ids.length === 0) throw apiError('MissingParameter', 'ResourceId.1');
    if (ids.length > MAX_RESOURCES) throw apiError('InvalidParameter', 'ResourceId.N');
    const tagParams = readTagParams(ctx.params);
    if (tagParams.length === 0) throw apiError('MissingParameter', 'Tag.1.Key');
    const tags = checkTags(tagParams);
    const snapshots = ids.map((id) => {
      const s = ctx.model.snapshots.get(id);
      if (s === undefined || s.regionId !== region) throw apiError('InvalidResourceId.NotFound');
      // Tag conditions see the tags the snapshot has before this call, as RAM does.
      ctx.authorize('ecs:TagResources', snapshotArn(region, ctx.model.accountId, id), s.tags);
      const merged = new Set([...Object.keys(s.tags), ...Object.keys(tags)]);
      if (merged.size > MAX_TAGS_PER_RESOURCE) throw apiError('InvalidTagCount');
      return s;
    });
    for (const s of snapshots) ctx.model.setTags(s, tags, ctx.now);
    return {};
  },
};

/** ListTagResources for snapshots: by ResourceId.N and/or Tag.N, 50 tag rows a page. */
export const listTagResources: ActionSpec = {
  mutates: false,
  handle(ctx) {
    const region = regionParam(ctx.model, ctx.params);
    checkResourceType(required(ctx.params, 'ResourceType'));
    ctx.authorize('ecs:ListTagResources', snapshotArn(region, ctx.model.accountId, '*'));
    const ids = readList(ctx.params, 'ResourceId');
    if (ids.length > MAX_RESOURCES) throw apiError('InvalidParameter', 'ResourceId.N');
    const tagFilter = readTagParams(ctx.params);
    if (tagFilter.length > 20) throw apiError('InvalidTagCount');
    const tagFilters = readTagFilters(ctx.params);
    if (ids.length === 0 && tagFilter.length === 0 && tagFilters.length === 0)
      throw apiError('MissingParameter', 'ResourceId.1');

    let candidates: string[];
    if (ids.length > 0) candidates = ids;
    else if (tagFilter.length === 0) {
      candidates = [...ctx.model.idsForTagKey(tagFilters[0]!.key)].sort();
    } else {
      const first = tagFilter[0]!;
      if (first.key === undefined) throw apiError('InvalidTag.Mismatch');
      candidates = [
        ...(first.value === undefined
          ? ctx.model.idsForTagKey(first.key)
          : ctx.model.idsForTag(first.key, first.value)),
      ].sort();
    }
    const rows: { ResourceId: string; ResourceType: string; TagKey: string; TagValue: string }[] =
      [];
    for (const id of candidates) {
      const s = ctx.model.snapshots.get(id);
      if (s === undefined || s.regionId !== region) continue;
      const ok = tagFilter.every((t) =>
        t.value === undefined
          ? Object.hasOwn(s.tags, t.key ?? '')
          : s.tags[t.key ?? ''] === t.value,
      );
      if (!ok || !matchesTagFilters(s.tags, tagFilters)) continue;
      for (const [TagKey, TagValue] of Object.entries(s.tags)) {
        rows.push({ ResourceId: id, ResourceType: 'snapshot', TagKey, TagValue });
      }
    }
    const token = optional(ctx.params, 'NextToken');
    const offset = token === undefined ? 0 : Number.parseInt(token, 10);
    if (!Number.isInteger(offset) || offset < 0) throw apiError('InvalidNextToken.Malformed');
    const page = rows.slice(offset, offset + LIST_PAGE);
    const next = offset + LIST_PAGE < rows.length ? String(offset + LIST_PAGE) : '';
    return { NextToken: next, TagResources: { TagResource: page } };
  },
};
