import { snapshotArn } from '../actions/arn.ts';
import type { ActionSpec } from '../actions/context.ts';
import { optional, optionalBool, required } from '../actions/params.ts';
import { apiError } from '../protocol/api-error.ts';
import { regionParam } from './region-param.ts';
import { LockStatus, lockStatus } from './snapshot-lock.ts';

/**
 * UnlockSnapshot: only during cool-off. Past it → 403 InvalidOperation.CoolOffPeriodExpired; a
 * snapshot without a live lock → 404 InvalidSnapshotLock.NotFound (the page's error table).
 */
export const unlockSnapshot: ActionSpec = {
  mutates: true,
  handle(ctx) {
    const region = regionParam(ctx.model, ctx.params);
    const id = required(ctx.params, 'SnapshotId');
    optional(ctx.params, 'ClientToken');
    const dryRun = optionalBool(ctx.params, 'DryRun');
    const s = ctx.model.snapshots.get(id);
    if (s === undefined || s.regionId !== region) {
      throw apiError('InvalidSnapshotId.NotFound', undefined, 404);
    }
    ctx.authorize('ecs:UnlockSnapshot', snapshotArn(region, ctx.model.accountId, id), s.tags);
    const status = s.lock === undefined ? undefined : lockStatus(s.lock, ctx.now);
    if (status === undefined || status === LockStatus.Expired) {
      throw apiError('InvalidSnapshotLock.NotFound', id);
    }
    if (status === LockStatus.Compliance) throw apiError('InvalidOperation.CoolOffPeriodExpired');
    if (dryRun === true) throw apiError('DryRunOperation');
    ctx.model.setLock(s, undefined, ctx.now);
    return {};
  },
};
