import { snapshotArn } from '../actions/arn.ts';
import type { ActionSpec } from '../actions/context.ts';
import { optional, optionalBool, optionalInt, required } from '../actions/params.ts';
import type { SnapshotLock } from '../model/records.ts';
import { SnapshotStatus } from '../model/types.ts';
import { apiError } from '../protocol/api-error.ts';
import { regionParam } from './region-param.ts';
import { LOCK_LIMITS, LockStatus, lockExpiry, lockStatus, lockView } from './snapshot-lock.ts';

const DAY_MS = 86_400_000;

function intInRange(
  params: Readonly<Record<string, string>>,
  name: string,
  min: number,
  max: number,
) {
  required(params, name);
  const v = optionalInt(params, name);
  if (v === undefined || v < min || v > max) throw apiError('InvalidParameter', name);
  return v;
}

/**
 * LockSnapshot in compliance mode (the only mode the page lists). LockDuration 1–36,500 days,
 * CoolOffPeriod 0–72 hours. A re-lock during cool-off is a new lock: every parameter, the
 * cool-off clock included, is reset (the page's note). After cool-off only a longer duration is
 * accepted. The lock may not outlive the snapshot's retention (documented rule).
 */
export const lockSnapshot: ActionSpec = {
  mutates: true,
  handle(ctx) {
    const region = regionParam(ctx.model, ctx.params);
    const id = required(ctx.params, 'SnapshotId');
    const mode = required(ctx.params, 'LockMode');
    if (mode !== 'compliance') throw apiError('InvalidParameter', 'LockMode');
    const days = intInRange(ctx.params, 'LockDuration', LOCK_LIMITS.minDays, LOCK_LIMITS.maxDays);
    const hours = intInRange(
      ctx.params,
      'CoolOffPeriod',
      LOCK_LIMITS.minCoolOffHours,
      LOCK_LIMITS.maxCoolOffHours,
    );
    optional(ctx.params, 'ClientToken');
    const dryRun = optionalBool(ctx.params, 'DryRun');
    const s = ctx.model.snapshots.get(id);
    if (s === undefined || s.regionId !== region) {
      throw apiError('InvalidSnapshotId.NotFound', undefined, 404);
    }
    ctx.authorize('ecs:LockSnapshot', snapshotArn(region, ctx.model.accountId, id), s.tags);
    if (dryRun === true) throw apiError('DryRunOperation');

    const durationStart =
      s.status === SnapshotStatus.Progressing ? (s.completesAt ?? ctx.now) : ctx.now;
    let lock: SnapshotLock = {
      lockedAt: ctx.now,
      durationDays: days,
      coolOffHours: hours,
      durationStart,
    };
    const current = s.lock === undefined ? undefined : lockStatus(s.lock, ctx.now);
    if (s.lock !== undefined && current === LockStatus.Compliance) {
      // Past cool-off: only extending the duration is allowed, the rest of the lock stays.
      const extended = { ...s.lock, durationDays: days };
      if (hours !== 0 || lockExpiry(extended) < lockExpiry(s.lock)) {
        throw apiError('InvalidOperation.CoolOffPeriodExpired');
      }
      lock = extended;
    }
    if (s.retentionDays !== undefined) {
      const retentionEnd = s.creationTime + s.retentionDays * DAY_MS;
      if (lockExpiry(lock) > retentionEnd) throw apiError('InvalidParameter', 'LockDuration');
    }
    ctx.model.setLock(s, lock, ctx.now);
    return { LockedSnapshotInfo: lockView(id, lock, ctx.now) };
  },
};
