import { createHash } from 'node:crypto';
import { snapshotArn } from '../actions/arn.ts';
import type { ActionContext, ActionSpec } from '../actions/context.ts';
import { optional, optionalBool, readTagParams, required } from '../actions/params.ts';
import type { CloudModel } from '../model/cloud-model.ts';
import { resourceId } from '../model/ids.ts';
import type { SnapshotRecord } from '../model/records.ts';
import { apiError } from '../protocol/api-error.ts';
import { SIGNING_PARAMS } from '../protocol/authenticate.ts';
import { checkDescription, checkSnapshotName, checkTags, REGION_ID_RE } from './rules.ts';

/** The service key ECS uses for an encrypted copy without KMSKeyId. */
const DEFAULT_ECS_KEY = 'alias/acs/ecs';
export const CLIENT_TOKEN_RE = /^[\x20-\x7e]{1,64}$/;
const RETENTION_DAYS_RE = /^[1-9]\d{0,4}$/;
const ARN_RE = /^Arn\.(\d+)\.(RoleType|Rolearn|AssumeRoleFor)$/;

/** The request minus protocol parameters: what a ClientToken replay must repeat exactly. */
export function fingerprint(params: Readonly<Record<string, string>>): string {
  const business = Object.keys(params)
    .filter((k) => !SIGNING_PARAMS.has(k))
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return createHash('sha256').update(business).digest('hex');
}

/** RetentionDays: an integer 1..65536; anything else (2.5, 0, -1, 1e3) is the seed's Malformed. */
function readRetentionDays(params: Readonly<Record<string, string>>): number | undefined {
  const raw = optional(params, 'RetentionDays');
  if (raw === undefined) return undefined;
  if (!RETENTION_DAYS_RE.test(raw) || Number(raw) > 65536) {
    throw apiError('InvalidRetentionDays.Malformed');
  }
  return Number(raw);
}

function checkArns(params: Readonly<Record<string, string>>): void {
  const arns = new Map<string, Set<string>>();
  for (const name of Object.keys(params)) {
    const m = ARN_RE.exec(name);
    if (m === null) continue;
    const set = arns.get(m[1]!) ?? new Set<string>();
    set.add(m[2]!);
    arns.set(m[1]!, set);
  }
  for (const fields of arns.values()) {
    if (!fields.has('RoleType') || !fields.has('Rolearn')) throw apiError('InvalidParameter.Arns');
  }
}

/** Copy duration: full size the first time a disk reaches a region, the increment afterwards. */
function copyPlan(model: CloudModel, source: SnapshotRecord, destRegion: string) {
  const incremental = model.hasBaseCopy(source.sourceDiskId, destRegion);
  const gib = incremental
    ? source.sourceDiskSize * model.copy.incrementalFraction
    : source.sourceDiskSize;
  const seconds = Math.max(model.copy.minSeconds, gib / model.copy.throughputGiBps);
  return { gib, ms: Math.round(seconds * 1000) };
}

function checkEncryption(
  ctx: ActionContext,
  source: SnapshotRecord,
  destRegion: string,
  encrypted: boolean,
  kmsKeyId: string | undefined,
): void {
  const { model } = ctx;
  if (kmsKeyId !== undefined && !encrypted) throw apiError('InvalidEncrypted.NotMatchKmsKeyId');
  if (source.encrypted && !encrypted) throw apiError('InvalidEncrypted.NotSupportDecrypt');
  if (!encrypted) return;
  const region = model.regions.get(destRegion)!;
  if (!region.encryptedCopy) throw apiError('InvalidRegionId.NotSupportedEncryptedSnapshotCopy');
  if (kmsKeyId === undefined) return;
  if (!region.byok) throw apiError('InvalidRegion.NotSupport');
  if (!model.account.kmsEnabled) throw apiError('InvalidParameter.KmsNotEnabled');
  const key = model.findKey(destRegion, kmsKeyId);
  if (key === undefined) throw apiError('InvalidParameter.KMSKeyId.NotFound');
  if (!key.ecsAuthorized) throw apiError('InvalidParameter.KMSKeyId.KMSUnauthorized');
  if (key.state !== 'Enabled') throw apiError('InvalidParameter.KMSKeyId.CMKNotEnabled');
  if (!/^(Aliyun_AES_256|Aliyun_SM4)$/.test(key.spec))
    throw apiError('InvalidKMSKeyId.NotSymmetric');
}

/**
 * CopySnapshot: checks in the order the service reports them (syntax, account, source, target,
 * encryption, concurrency, quota), then creates a progressing copy in the destination whose
 * progress follows the virtual clock. A ClientToken replay with the same parameters returns the
 * first copy's id without a second copy.
 */
export const copySnapshot: ActionSpec = {
  mutates: true,
  handle(ctx) {
    const { model, params } = ctx;
    const sourceRegion = required(params, 'RegionId');
    if (!REGION_ID_RE.test(sourceRegion) || !model.regions.has(sourceRegion)) {
      throw apiError('InvalidRegionId.MalFormed');
    }
    const snapshotId = required(params, 'SnapshotId');
    const destRegion = required(params, 'DestinationRegionId');
    if (!REGION_ID_RE.test(destRegion)) throw apiError('InvalidRegionId.MalFormed');
    const name = required(params, 'DestinationSnapshotName');
    const description = required(params, 'DestinationSnapshotDescription');
    const tags = checkTags(readTagParams(params));
    checkSnapshotName(name);
    checkDescription(description);
    const retentionDays = readRetentionDays(params);
    const encrypted = optionalBool(params, 'Encrypted') ?? false;
    const kmsKeyId = optional(params, 'KMSKeyId');
    // Resource groups are not modelled: the group is recorded on the copy, as DescribeSnapshots
    // shows it, and not checked.
    const resourceGroupId = optional(params, 'ResourceGroupId');
    checkArns(params);
    const clientToken = optional(params, 'ClientToken');
    if (clientToken !== undefined && !CLIENT_TOKEN_RE.test(clientToken)) {
      throw apiError('InvalidClientToken.ValueNotSupported');
    }

    // RAM comes before the existence checks; an unknown source simply has no tags to match.
    const named = model.snapshots.get(snapshotId);
    ctx.authorize(
      'ecs:CopySnapshot',
      snapshotArn(sourceRegion, model.accountId, snapshotId),
      named?.regionId === sourceRegion ? named.tags : {},
    );

    if (clientToken !== undefined) {
      const seen = model.clientTokens.get(clientToken);
      if (seen !== undefined) {
        if (seen.fingerprint !== fingerprint(params)) throw apiError('IdempotenceParamNotMatch');
        return { SnapshotId: seen.snapshotId };
      }
    }

    if (!model.account.whitelisted) throw apiError('InvalidUser.NotInWhiteList');
    if (!model.account.balanceOk) throw apiError('InvalidAccountStatus.NotEnoughBalance');
    if (!model.account.snapshotServiceEnabled) {
      throw apiError('InvalidAccountStatus.SnapshotServiceUnavailable');
    }
    if (!model.regions.has(destRegion)) throw apiError('InvalidRegionId.NotExists');
    if (destRegion === sourceRegion) throw apiError('InvalidOperation.NotSupportCopyInSameRegion');

    const source = model.snapshots.get(snapshotId);
    if (source === undefined || source.regionId !== sourceRegion) {
      throw apiError('InvalidSnapshotId.NotFound');
    }
    if (source.status !== 'accomplished') throw apiError('InvalidSnapshotId.NotReady');
    if (source.category === 'archive') throw apiError('InvalidSnapshotCategory.NotSupportCopy');
    if (source.category === 'flash') {
      throw apiError('InvalidSnapshotCategory.NotSupportCrossRegionCopy');
    }
    if (optional(params, 'DestinationStorageLocationArn') !== undefined) {
      // CloudBox locations are not modelled; encrypted sources are refused there first.
      if (source.encrypted) throw apiError('InvalidSnapshot.EncryptedNotSupported');
      throw apiError('InvalidSnapshot.StorageLocationNotSupported');
    }
    checkEncryption(ctx, source, destRegion, encrypted, kmsKeyId);

    if (model.unfinishedCopy(source.sourceDiskId, destRegion) !== undefined) {
      throw apiError('InvalidOperation.UnfinishedCrossRegionCopy');
    }
    const quota = model.regions.get(destRegion)!.snapshotQuota;
    if (quota !== undefined && model.regionSnapshotCount(destRegion) >= quota) {
      throw apiError('QuotaExceed.SnapshotQuota');
    }

    const plan = copyPlan(model, source, destRegion);
    const keyId =
      kmsKeyId === undefined
        ? encrypted
          ? DEFAULT_ECS_KEY
          : undefined
        : (model.findKey(destRegion, kmsKeyId)?.keyId ?? kmsKeyId);
    const copy: SnapshotRecord = {
      snapshotId: resourceId('s', destRegion, ctx.random),
      regionId: destRegion,
      name,
      description,
      status: 'progressing',
      progress: 0,
      creationTime: ctx.now,
      lastModifiedTime: ctx.now,
      sourceDiskId: source.sourceDiskId,
      sourceDiskSize: source.sourceDiskSize,
      sourceDiskType: source.sourceDiskType,
      snapshotType: 'user',
      category: 'standard',
      encrypted,
      ...(keyId !== undefined && { kmsKeyId: keyId }),
      ...(retentionDays !== undefined && { retentionDays }),
      ...(resourceGroupId !== undefined && { resourceGroupId }),
      tags,
      sourceSnapshotId: source.snapshotId,
      sourceRegionId: sourceRegion,
      startedAt: ctx.now,
      completesAt: ctx.now + plan.ms,
      transferredGiB: plan.gib,
      ...(ctx.random() < ctx.copyFailureRate && { failsAtCompletion: true }),
    };
    model.addSnapshot(copy);
    if (clientToken !== undefined) {
      model.clientTokens.set(clientToken, {
        fingerprint: fingerprint(params),
        snapshotId: copy.snapshotId,
        regionId: destRegion,
      });
    }
    return { SnapshotId: copy.snapshotId };
  },
};
