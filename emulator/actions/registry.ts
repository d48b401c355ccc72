import { copySnapshot } from '../ecs/copy-snapshot.ts';
import { createDisk } from '../ecs/create-disk.ts';
import { deleteDisk } from '../ecs/delete-disk.ts';
import { deleteSnapshot } from '../ecs/delete-snapshot.ts';
import { describeDisks } from '../ecs/describe-disks.ts';
import { describeLockedSnapshots } from '../ecs/describe-locked-snapshots.ts';
import { describeRegions } from '../ecs/describe-regions.ts';
import { describeSnapshots } from '../ecs/describe-snapshots.ts';
import { describeSnapshotsUsage } from '../ecs/describe-snapshots-usage.ts';
import { describeZones } from '../ecs/describe-zones.ts';
import { lockSnapshot } from '../ecs/lock-snapshot.ts';
import { listTagResources, tagResources } from '../ecs/tag-resources.ts';
import { unlockSnapshot } from '../ecs/unlock-snapshot.ts';
import { describeKey } from '../kms/describe-key.ts';
import { type ActionSpec, ApiVersion } from './context.ts';

/** The product each RPC Version belongs to: errors carry its host, KMS errors its HttpStatus. */
export const Product = {
  Ecs: 'ecs',
  Kms: 'kms',
} as const;
export type Product = (typeof Product)[keyof typeof Product];

export interface ServiceSpec {
  product: Product;
  actions: Record<string, ActionSpec>;
}

/** Every action the emulator serves; anything else is InvalidApi.NotFound (strict, never ignored). */
export const SERVICES: Record<string, ServiceSpec> = {
  [ApiVersion.Ecs]: {
    product: Product.Ecs,
    actions: {
      DescribeRegions: describeRegions,
      DescribeSnapshots: describeSnapshots,
      CopySnapshot: copySnapshot,
      DeleteSnapshot: deleteSnapshot,
      DescribeSnapshotsUsage: describeSnapshotsUsage,
      TagResources: tagResources,
      ListTagResources: listTagResources,
      LockSnapshot: lockSnapshot,
      UnlockSnapshot: unlockSnapshot,
      DescribeLockedSnapshots: describeLockedSnapshots,
      CreateDisk: createDisk,
      DescribeDisks: describeDisks,
      DeleteDisk: deleteDisk,
      DescribeZones: describeZones,
    },
  },
  [ApiVersion.Kms]: {
    product: Product.Kms,
    actions: { DescribeKey: describeKey },
  },
};
