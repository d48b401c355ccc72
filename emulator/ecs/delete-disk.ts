import { diskArn } from '../actions/arn.ts';
import type { ActionSpec } from '../actions/context.ts';
import { optional, optionalBool, required } from '../actions/params.ts';
import { DiskStatus } from '../model/records.ts';
import { apiError } from '../protocol/api-error.ts';

/**
 * DeleteDisk of a pay-as-you-go data disk. The page: an unknown DiskId is ignored (the call
 * succeeds); the disk must be Available (unattached) — Creating or In_use is 403
 * IncorrectDiskStatus. RegionId, when sent, must be the disk's (as for DeleteSnapshot).
 */
export const deleteDisk: ActionSpec = {
  mutates: true,
  handle(ctx) {
    const { model } = ctx;
    const id = required(ctx.params, 'DiskId');
    const dryRun = optionalBool(ctx.params, 'DryRun');
    const d = model.disks.get(id);
    const asked = optional(ctx.params, 'RegionId');
    if (d === undefined || (asked !== undefined && asked !== d.regionId)) {
      ctx.authorize('ecs:DeleteDisk', diskArn(asked ?? '*', model.accountId, id), {});
      if (dryRun === true) throw apiError('DryRunOperation');
      return {};
    }
    ctx.region = d.regionId;
    ctx.authorize('ecs:DeleteDisk', diskArn(d.regionId, model.accountId, id), d.tags);
    if (model.diskStatus(d) !== DiskStatus.Available || d.type === 'system') {
      throw apiError('IncorrectDiskStatus');
    }
    if (dryRun === true) throw apiError('DryRunOperation');
    model.removeDisk(id);
    return {};
  },
};
