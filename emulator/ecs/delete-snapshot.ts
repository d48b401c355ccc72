import { snapshotArn } from '../actions/arn.ts';
import type { ActionSpec } from '../actions/context.ts';
import { optional, optionalBool, required } from '../actions/params.ts';
import { apiError } from '../protocol/api-error.ts';
import { LockStatus, lockExpiry, lockStatus } from './snapshot-lock.ts';
import { apiTime } from './snapshot-view.ts';

/**
 * DeleteSnapshot has no RegionId: the region is the snapshot's. An unknown id answers 404
 * InvalidSnapshotId.NotFound (DOC-DEL's table); deleting a progressing snapshot cancels it. A
 * locked snapshot (cool-off or compliance) is refused with 403, and one that disks were
 * created from with 403 SnapshotCreatedDisk unless Force=true.
 */
export const deleteSnapshot: ActionSpec = {
  mutates: true,
  handle(ctx) {
    const id = required(ctx.params, 'SnapshotId');
    const force = optionalBool(ctx.params, 'Force') === true;
    const s = ctx.model.snapshots.get(id);
    const asked = optional(ctx.params, 'RegionId');
    if (s === undefined || (asked !== undefined && asked !== s.regionId)) {
      throw apiError('InvalidSnapshotId.NotFound', undefined, 404);
    }
    ctx.region = s.regionId;
    ctx.authorize('ecs:DeleteSnapshot', snapshotArn(s.regionId, ctx.model.accountId, id), s.tags);
    if (s.lock !== undefined && lockStatus(s.lock, ctx.now) !== LockStatus.Expired) {
      // No user, the account owner included, deletes a locked snapshot, cool-off or not.
      throw apiError(
        'InvalidOperation.CoolOffPeriodExpired',
        `(lock ${lockStatus(s.lock, ctx.now)} until ${apiTime(lockExpiry(s.lock))})`,
      );
    }
    // The page: a snapshot disks were made from is deleted only with Force=true.
    if (!force && ctx.model.disksFromSnapshot(id).length > 0) throw apiError('SnapshotCreatedDisk');
    ctx.model.removeSnapshot(id);
    return {};
  },
};
