import type { KeyState, SnapshotCategory, SnapshotStatus } from './types.ts';

/** A snapshot as the live model holds it; times are virtual epoch ms. */
export interface SnapshotRecord {
  snapshotId: string;
  regionId: string;
  name: string;
  description: string;
  status: SnapshotStatus;
  /** 0..100; derived from startedAt/completesAt while progressing */
  progress: number;
  creationTime: number;
  lastModifiedTime: number;
  sourceDiskId: string;
  sourceDiskSize: number;
  sourceDiskType: 'system' | 'data';
  instanceId?: string;
  snapshotType: 'auto' | 'user';
  category: SnapshotCategory;
  encrypted: boolean;
  kmsKeyId?: string;
  retentionDays?: number;
  tags: Record<string, string>;
  sourceSnapshotId?: string;
  sourceRegionId?: string;
  /** Resource group given at creation (CopySnapshot ResourceGroupId); groups are not modelled. */
  resourceGroupId?: string;
  /** Progress model: progressing from startedAt, done at completesAt (absent = never). */
  startedAt?: number;
  completesAt?: number;
  /** The copy ends `failed` instead of `accomplished` (fault injection). */
  failsAtCompletion?: boolean;
  /** Size in GiB the copy moved (full or incremental); informational. */
  transferredGiB?: number;
  /** Compliance-mode lock (LockSnapshot); absent = never locked or unlocked. */
  lock?: SnapshotLock;
}

/** A compliance-mode snapshot lock; times are virtual epoch ms. */
export interface SnapshotLock {
  lockedAt: number;
  /** Days, 1..36500. */
  durationDays: number;
  /** Hours, 0..72. */
  coolOffHours: number;
  /** When the lock duration started: the lock time, or completion for a progressing snapshot. */
  durationStart: number;
}

export interface KmsKeyRecord {
  keyId: string;
  regionId: string;
  state: KeyState;
  spec: string;
  origin: string;
  ecsAuthorized: boolean;
  aliases: string[];
  description: string;
  creationDate: number;
  deleteDate?: number;
}

export interface DiskRecord {
  diskId: string;
  regionId: string;
  instanceId?: string;
  type: 'system' | 'data';
  sizeGiB: number;
  category: string;
  encrypted: boolean;
  kmsKeyId?: string;
  tags: Record<string, string>;
  /** Disks made by CreateDisk (world disks leave these out: In_use or Available by instanceId). */
  zoneId?: string;
  status?: DiskStatus;
  name?: string;
  description?: string;
  sourceSnapshotId?: string;
  creationTime?: number;
  /** Virtual ms when a Creating disk becomes Available. */
  availableAt?: number;
  /** The restore fails (fault injection): at availableAt the service releases the disk. */
  failsAtCreation?: boolean;
}

/** DescribeDisks Status values the emulator produces. */
export const DiskStatus = {
  Creating: 'Creating',
  Available: 'Available',
  InUse: 'In_use',
} as const;
export type DiskStatus = (typeof DiskStatus)[keyof typeof DiskStatus];

export interface RegionRecord {
  regionId: string;
  byok: boolean;
  encryptedCopy: boolean;
  snapshotQuota?: number;
  /** Zone ids (DescribeZones); absent: `<region>-a` and `<region>-b`. */
  zones?: string[];
}

/** What a ClientToken was first used with, so a replay returns the same copy. */
export interface ClientTokenRecord {
  fingerprint: string;
  snapshotId: string;
  regionId: string;
}
