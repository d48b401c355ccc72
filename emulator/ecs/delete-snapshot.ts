import { snapshotArn } from '../actions/arn.ts';
import type { ActionSpec } from '../actions/context.ts';
import { optional, optionalBool, required } from '../actions/params.ts';
import { apiError } from '../protocol/api-error.ts';

/**
 * DeleteSnapshot has no RegionId: the region is the snapshot's. An unknown id answers 404
 * InvalidSnapshotId.NotFound (DOC-DEL's table); deleting a progressing snapshot cancels it.
 */
export const deleteSnapshot: ActionSpec = {
  mutates: true,
  handle(ctx) {
    const id = required(ctx.params, 'SnapshotId');
    optionalBool(ctx.params, 'Force');
    const s = ctx.model.snapshots.get(id);
    const asked = optional(ctx.params, 'RegionId');
    if (s === undefined || (asked !== undefined && asked !== s.regionId)) {
      throw apiError('InvalidSnapshotId.NotFound', undefined, 404);
    }
    ctx.region = s.regionId;
    ctx.authorize('ecs:DeleteSnapshot', snapshotArn(s.regionId, ctx.model.accountId, id), s.tags);
    ctx.model.removeSnapshot(id);
    return {};
  },
};
