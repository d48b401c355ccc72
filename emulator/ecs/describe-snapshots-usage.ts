import { snapshotArn } from '../actions/arn.ts';
import type { ActionSpec } from '../actions/context.ts';
import { regionParam } from './region-param.ts';

const GIB = 1024 ** 3;

/** DescribeSnapshotsUsage: count and stored bytes (a copy stores what it transferred). */
export const describeSnapshotsUsage: ActionSpec = {
  mutates: false,
  handle(ctx) {
    const region = regionParam(ctx.model, ctx.params);
    ctx.authorize('ecs:DescribeSnapshotsUsage', snapshotArn(region, ctx.model.accountId, '*'));
    let bytes = 0;
    const all = ctx.model.regionSnapshots(region);
    for (const s of all) bytes += Math.round((s.transferredGiB ?? s.sourceDiskSize) * GIB);
    return { SnapshotCount: all.length, SnapshotSize: bytes };
  },
};
