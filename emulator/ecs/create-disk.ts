import { diskArn, snapshotArn } from '../actions/arn.ts';
import type { ActionSpec } from '../actions/context.ts';
import { optional, optionalBool, optionalInt, readTagParams } from '../actions/params.ts';
import { resourceId } from '../model/ids.ts';
import { type DiskRecord, DiskStatus } from '../model/records.ts';
import { SnapshotStatus } from '../model/types.ts';
import { apiError } from '../protocol/api-error.ts';
import { CLIENT_TOKEN_RE, fingerprint } from './copy-snapshot.ts';
import { regionParam } from './region-param.ts';
import { checkTags } from './rules.ts';

/** DiskCategory values of the CreateDisk page, and the Size range (GiB) of each. */
const CATEGORY_SIZES: Record<string, readonly [number, number]> = {
  cloud: [5, 2000],
  cloud_efficiency: [20, 32_768],
  cloud_ssd: [20, 32_768],
  cloud_essd: [20, 32_768],
  cloud_auto: [1, 65_536],
  cloud_essd_entry: [10, 32_768],
};
const DEFAULT_CATEGORY = 'cloud';
const HTTP_RE = /^https?:\/\//i;
const DISK_NAME_RE = /^[A-Za-z][A-Za-z0-9:_.-]{1,127}$/;
/** ClientToken replays are kept beside CopySnapshot's, in their own key space. */
const TOKEN_SPACE = 'CreateDisk\u0000';

function checkText(params: Readonly<Record<string, string>>): {
  name?: string;
  description?: string;
} {
  const name = optional(params, 'DiskName');
  if (name !== undefined && (!DISK_NAME_RE.test(name) || HTTP_RE.test(name))) {
    throw apiError('InvalidDiskName.Malformed');
  }
  const description = optional(params, 'Description');
  if (description !== undefined) {
    const n = [...description].length;
    if (n < 2 || n > 256 || HTTP_RE.test(description)) {
      throw apiError('InvalidDescription.Malformed', undefined, 400);
    }
  }
  return {
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
  };
}

/**
 * CreateDisk of a pay-as-you-go data disk, from a snapshot or empty (Size only), in a zone of
 * the region. From a snapshot: Size (when given) must be at least the snapshot's source disk
 * size, an encrypted snapshot gives an encrypted disk (with KMSKeyId, when given, else the
 * snapshot's key), and KMSKeyId must name a usable key of this region. The disk is Creating
 * until it has been filled (virtual time: size / restoreGiBps, at least restoreMinSeconds),
 * then Available; the restore-failure fault makes the service release it instead.
 */
export const createDisk: ActionSpec = {
  mutates: true,
  handle(ctx) {
    const { model, params } = ctx;
    const region = regionParam(model, params);
    const zone = optional(params, 'ZoneId');
    if (zone === undefined) throw apiError('MissingParameter', 'ZoneId');
    const category = optional(params, 'DiskCategory') ?? DEFAULT_CATEGORY;
    const range = CATEGORY_SIZES[category];
    if (range === undefined) throw apiError('InvalidDiskCategory.ValueNotSupported');
    const size = optionalInt(params, 'Size');
    const snapshotId = optional(params, 'SnapshotId');
    if (snapshotId === undefined && size === undefined) {
      throw apiError('MissingParameter', 'SnapshotId or Size');
    }
    const text = checkText(params);
    const tags = checkTags(readTagParams(params));
    const encryptedParam = optionalBool(params, 'Encrypted');
    const kmsKeyId = optional(params, 'KMSKeyId');
    optional(params, 'PerformanceLevel');
    optional(params, 'ResourceGroupId');
    const clientToken = optional(params, 'ClientToken');
    if (clientToken !== undefined && !CLIENT_TOKEN_RE.test(clientToken)) {
      throw apiError('InvalidClientToken.ValueNotSupported');
    }

    const source = snapshotId === undefined ? undefined : model.snapshots.get(snapshotId);
    ctx.authorize('ecs:CreateDisk', diskArn(region, model.accountId, '*'));
    if (snapshotId !== undefined) {
      ctx.authorize(
        'ecs:CreateDisk',
        snapshotArn(region, model.accountId, snapshotId),
        source?.regionId === region ? source.tags : {},
      );
    }
    if (clientToken !== undefined) {
      const seen = model.clientTokens.get(TOKEN_SPACE + clientToken);
      if (seen !== undefined) {
        if (seen.fingerprint !== fingerprint(params)) throw apiError('IdempotenceParamNotMatch');
        return { DiskId: seen.snapshotId };
      }
    }
    if (!model.account.balanceOk) throw apiError('InvalidAccountStatus.NotEnoughBalance');
    if (!model.zonesOf(region).includes(zone)) throw apiError('InvalidZoneId.NotFound');

    let minSize = range[0];
    if (snapshotId !== undefined) {
      if (source === undefined || source.regionId !== region) {
        throw apiError('InvalidSnapshotId.NotFound', undefined, 404);
      }
      if (source.status !== SnapshotStatus.Accomplished) {
        throw apiError('InvalidSnapshotId.NotReady');
      }
      if (size !== undefined && size < source.sourceDiskSize) {
        throw apiError('InvalidDiskSize.TooSmall');
      }
      minSize = Math.max(minSize, source.sourceDiskSize);
    }
    const sizeGiB = Math.max(size ?? 0, minSize);
    if (sizeGiB > range[1] || (size !== undefined && size < range[0])) {
      throw apiError('InvalidDiskSize.NotSupported');
    }

    if (kmsKeyId !== undefined && encryptedParam !== true && source?.encrypted !== true) {
      throw apiError('InvalidParameter.EncryptedIllegal');
    }
    const encrypted = encryptedParam === true || source?.encrypted === true;
    let keyId = source?.encrypted === true ? source.kmsKeyId : undefined;
    if (encrypted && kmsKeyId !== undefined) {
      if (!model.account.kmsEnabled) throw apiError('InvalidParameter.Encrypted.KmsNotEnabled');
      const key = model.findKey(region, kmsKeyId);
      if (key === undefined) throw apiError('InvalidParameter.KMSKeyId.NotFound', undefined, 404);
      if (!key.ecsAuthorized) throw apiError('InvalidParameter.KMSKeyId.KMSUnauthorized');
      // Not on the CreateDisk page: the nearest documented code, CopySnapshot's (README).
      if (key.state !== 'Enabled') throw apiError('InvalidParameter.KMSKeyId.CMKNotEnabled');
      keyId = key.keyId;
    }
    if (optionalBool(params, 'DryRun') === true) throw apiError('DryRunOperation');

    const seconds = source
      ? Math.max(model.copy.restoreMinSeconds, source.sourceDiskSize / model.copy.restoreGiBps)
      : model.copy.restoreMinSeconds;
    const disk: DiskRecord = {
      diskId: resourceId('d', region, ctx.random),
      regionId: region,
      zoneId: zone,
      type: 'data',
      sizeGiB,
      category,
      encrypted,
      ...(keyId !== undefined && { kmsKeyId: keyId }),
      tags,
      status: DiskStatus.Creating,
      ...text,
      ...(snapshotId !== undefined && { sourceSnapshotId: snapshotId }),
      creationTime: ctx.now,
      availableAt: ctx.now + Math.round(seconds * 1000),
      ...(ctx.random() < ctx.restoreFailureRate && { failsAtCreation: true }),
    };
    model.addDisk(disk);
    if (clientToken !== undefined) {
      model.clientTokens.set(TOKEN_SPACE + clientToken, {
        fingerprint: fingerprint(params),
        // The record's id field holds the disk id in this key space.
        snapshotId: disk.diskId,
        regionId: region,
      });
    }
    return { DiskId: disk.diskId };
  },
};
