/**
 * The emulator's world: what a user writes in a world file (JSON) and what the builders in
 * world.ts return. Times are ISO 8601 UTC strings here; the live model keeps epoch ms.
 */

export const SnapshotStatus = {
  Progressing: 'progressing',
  Accomplished: 'accomplished',
  Failed: 'failed',
} as const;
export type SnapshotStatus = (typeof SnapshotStatus)[keyof typeof SnapshotStatus];

export const KeyState = {
  Enabled: 'Enabled',
  Disabled: 'Disabled',
  PendingDeletion: 'PendingDeletion',
  PendingImport: 'PendingImport',
} as const;
export type KeyState = (typeof KeyState)[keyof typeof KeyState];

/** As DescribeSnapshots reports it; archive and flash snapshots cannot be copied across regions. */
export type SnapshotCategory = 'standard' | 'flash' | 'archive';

export interface WorldRegion {
  regionId: string;
  /** Bring-your-own-key support: false → CopySnapshot with KMSKeyId fails InvalidRegion.NotSupport. */
  byok?: boolean;
  /** false → an encrypted copy into this region fails InvalidRegionId.NotSupportedEncryptedSnapshotCopy. */
  encryptedCopy?: boolean;
  /** Maximum snapshots in the region (QuotaExceed.SnapshotQuota); default unlimited. */
  snapshotQuota?: number;
  /** Zone ids DescribeZones lists and CreateDisk accepts; default `<region>-a`, `<region>-b`. */
  zones?: string[];
}

export interface WorldInstance {
  instanceId: string;
  regionId: string;
  name: string;
  tags?: Record<string, string>;
}

export interface WorldDisk {
  diskId: string;
  regionId: string;
  instanceId?: string;
  type: 'system' | 'data';
  sizeGiB: number;
  /** cloud_essd, cloud_efficiency, local_ssd_pro, ... (informational) */
  category?: string;
  encrypted?: boolean;
  kmsKeyId?: string;
  tags?: Record<string, string>;
}

export interface WorldSnapshot {
  snapshotId: string;
  regionId: string;
  diskId: string;
  name?: string;
  description?: string;
  /** ISO 8601 UTC */
  creationTime: string;
  status?: SnapshotStatus;
  /** 0..100, for progressing snapshots */
  progress?: number;
  /** ISO 8601 UTC: when a progressing snapshot completes; absent = stays progressing. */
  completesAt?: string;
  snapshotType?: 'auto' | 'user';
  category?: SnapshotCategory;
  /** Defaults to the disk's. */
  encrypted?: boolean;
  kmsKeyId?: string;
  tags?: Record<string, string>;
  retentionDays?: number;
  /** Defaults to the disk's size. */
  sizeGiB?: number;
  sourceSnapshotId?: string;
  sourceRegionId?: string;
  /** Shown by DescribeSnapshots; resource groups themselves are not modelled. */
  resourceGroupId?: string;
}

export interface WorldKmsKey {
  keyId: string;
  regionId: string;
  state?: KeyState;
  /** Aliyun_AES_256 (default), Aliyun_SM4, RSA_2048 (not symmetric), ... */
  spec?: string;
  /** Aliyun_KMS (default) or EXTERNAL (BYOK) */
  origin?: string;
  /** false → ECS may not use the key: InvalidParameter.KMSKeyId.KMSUnauthorized. */
  ecsAuthorized?: boolean;
  aliases?: string[];
  description?: string;
}

export interface AccountFlags {
  balanceOk: boolean;
  snapshotServiceEnabled: boolean;
  whitelisted: boolean;
  kmsEnabled: boolean;
}

export interface CopyModel {
  /** GiB per second per copy; 0.5 makes a full 40 GiB copy take 80 virtual seconds. */
  throughputGiBps: number;
  /** Fraction of the disk size a later (incremental) copy of the same disk moves. */
  incrementalFraction: number;
  /** No copy is faster than this, in virtual seconds. */
  minSeconds: number;
  /** GiB per second a disk created from a snapshot (CreateDisk) fills at. */
  restoreGiBps: number;
  /** No disk from a snapshot is Available sooner than this, in virtual seconds. */
  restoreMinSeconds: number;
}

export interface World {
  accountId?: string;
  regions: WorldRegion[];
  instances?: WorldInstance[];
  disks: WorldDisk[];
  snapshots: WorldSnapshot[];
  kmsKeys: WorldKmsKey[];
  account?: Partial<AccountFlags>;
  copy?: Partial<CopyModel>;
}

export const DEFAULT_ACCOUNT: AccountFlags = {
  balanceOk: true,
  snapshotServiceEnabled: true,
  whitelisted: true,
  kmsEnabled: true,
};

export const DEFAULT_COPY_MODEL: CopyModel = {
  throughputGiBps: 0.5,
  incrementalFraction: 0.1,
  minSeconds: 5,
  restoreGiBps: 2,
  restoreMinSeconds: 30,
};
