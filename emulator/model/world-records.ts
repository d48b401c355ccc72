import type { DiskRecord, KmsKeyRecord, RegionRecord, SnapshotRecord } from './records.ts';
import {
  KeyState,
  SnapshotStatus,
  type WorldDisk,
  type WorldKmsKey,
  type WorldRegion,
  type WorldSnapshot,
} from './types.ts';

/**
 * The world-file entries as model records: the defaults a world file may leave out are
 * filled in here (the format is public; see emulator/README.md, World files).
 */

const DAY_MS = 86_400_000;

export function regionRecord(r: WorldRegion): RegionRecord {
  return {
    regionId: r.regionId,
    byok: r.byok ?? true,
    encryptedCopy: r.encryptedCopy ?? true,
    ...(r.snapshotQuota !== undefined && { snapshotQuota: r.snapshotQuota }),
    ...(r.zones !== undefined && { zones: [...r.zones] }),
  };
}

export function diskRecord(d: WorldDisk): DiskRecord {
  return {
    diskId: d.diskId,
    regionId: d.regionId,
    ...(d.instanceId !== undefined && { instanceId: d.instanceId }),
    type: d.type,
    sizeGiB: d.sizeGiB,
    category: d.category ?? 'cloud_essd',
    encrypted: d.encrypted ?? false,
    ...(d.kmsKeyId !== undefined && { kmsKeyId: d.kmsKeyId }),
    tags: { ...d.tags },
  };
}

/** `now` dates the key (created 90 days before the world is loaded). */
export function kmsKeyRecord(k: WorldKmsKey, now: number): KmsKeyRecord {
  return {
    keyId: k.keyId,
    regionId: k.regionId,
    state: k.state ?? KeyState.Enabled,
    spec: k.spec ?? 'Aliyun_AES_256',
    origin: k.origin ?? 'Aliyun_KMS',
    ecsAuthorized: k.ecsAuthorized ?? true,
    aliases: k.aliases ?? [],
    description: k.description ?? '',
    creationDate: now - 90 * DAY_MS,
  };
}

/** `disk`: the snapshot's source disk in the world, when it has one (sizes, type, encryption). */
export function snapshotRecord(s: WorldSnapshot, disk: DiskRecord | undefined): SnapshotRecord {
  const creationTime = Date.parse(s.creationTime);
  if (Number.isNaN(creationTime)) {
    throw new RangeError(`snapshot ${s.snapshotId}: creationTime is not an ISO date`);
  }
  const status = s.status ?? SnapshotStatus.Accomplished;
  const encrypted = s.encrypted ?? disk?.encrypted ?? false;
  const kmsKeyId = s.kmsKeyId ?? (encrypted ? disk?.kmsKeyId : undefined);
  const completesAt = s.completesAt === undefined ? undefined : Date.parse(s.completesAt);
  return {
    snapshotId: s.snapshotId,
    regionId: s.regionId,
    name: s.name ?? s.snapshotId,
    description: s.description ?? '',
    status,
    progress: status === SnapshotStatus.Accomplished ? 100 : (s.progress ?? 0),
    creationTime,
    lastModifiedTime: creationTime,
    sourceDiskId: s.diskId,
    sourceDiskSize: s.sizeGiB ?? disk?.sizeGiB ?? 40,
    sourceDiskType: disk?.type ?? 'data',
    ...(disk?.instanceId !== undefined && { instanceId: disk.instanceId }),
    snapshotType: s.snapshotType ?? 'auto',
    category: s.category ?? 'standard',
    encrypted,
    ...(kmsKeyId !== undefined && { kmsKeyId }),
    ...(s.retentionDays !== undefined && { retentionDays: s.retentionDays }),
    tags: { ...s.tags },
    ...(s.sourceSnapshotId !== undefined && { sourceSnapshotId: s.sourceSnapshotId }),
    ...(s.sourceRegionId !== undefined && { sourceRegionId: s.sourceRegionId }),
    ...(s.resourceGroupId !== undefined && { resourceGroupId: s.resourceGroupId }),
    ...(status === SnapshotStatus.Progressing && {
      startedAt: creationTime,
      ...(completesAt !== undefined && !Number.isNaN(completesAt) && { completesAt }),
    }),
  };
}
