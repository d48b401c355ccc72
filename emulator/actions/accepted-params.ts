import { apiError } from '../protocol/api-error.ts';
import { SIGNING_PARAMS } from '../protocol/authenticate.ts';

/**
 * Parameters every RPC action takes besides the signing ones. RegionId is sent by the aliyun CLI
 * and pop-core callers on every call; the Owner ones are accepted without their semantics.
 */
const COMMON = ['RegionId', 'OwnerId', 'OwnerAccount', 'ResourceOwnerId', 'ResourceOwnerAccount'];

const TAG = /^Tag\.\d+\.(Key|Value|key|value)$/;

/**
 * Every parameter of each action's API page and TS SDK request model. Each is applied, or (where
 * the emulator does not model its effect, e.g. CopySnapshot ResourceGroupId, Arn.N.*) accepted
 * and recorded where the real API shows it; the README lists those. Anything else is a typo or
 * another action's parameter and is refused.
 */
const ACCEPTED: Record<string, readonly (string | RegExp)[]> = {
  DescribeRegions: ['AcceptLanguage', 'InstanceChargeType', 'ResourceType'],
  DescribeSnapshots: [
    /^Filter\.[12]\.(Key|Value)$/,
    'Category',
    'DiskId',
    'DryRun',
    'Encrypted',
    'InstanceId',
    'KMSKeyId',
    'MaxResults',
    'NextToken',
    'PageNumber',
    'PageSize',
    'ResourceGroupId',
    'SnapshotIds',
    'SnapshotLinkId',
    'SnapshotName',
    'SnapshotType',
    'SourceDiskType',
    'Status',
    TAG,
    'Usage',
  ],
  CopySnapshot: [
    /^Arn\.\d+\.(RoleType|Rolearn|AssumeRoleFor)$/,
    'ClientToken',
    'DestinationRegionId',
    'DestinationSnapshotDescription',
    'DestinationSnapshotName',
    'DestinationStorageLocationArn',
    'Encrypted',
    'KMSKeyId',
    'ResourceGroupId',
    'RetentionDays',
    'SnapshotId',
    TAG,
  ],
  DeleteSnapshot: ['Force', 'SnapshotId'],
  DescribeSnapshotsUsage: [],
  TagResources: [/^ResourceId\.\d+$/, 'ResourceType', TAG],
  ListTagResources: [
    'NextToken',
    /^ResourceId\.\d+$/,
    'ResourceType',
    TAG,
    /^TagFilter\.\d+\.TagKey$/,
    /^TagFilter\.\d+\.TagValues\.\d+$/,
  ],
  DescribeKey: ['KeyId'],
  // InstanceId (create and attach) is left out: instances are not modelled for CreateDisk.
  CreateDisk: [
    'ClientToken',
    'Description',
    'DiskCategory',
    'DiskName',
    'DryRun',
    'Encrypted',
    'KMSKeyId',
    'PerformanceLevel',
    'ResourceGroupId',
    'Size',
    'SnapshotId',
    TAG,
    'ZoneId',
  ],
  DescribeDisks: [
    'Category',
    'DiskIds',
    'DiskType',
    'DryRun',
    'Encrypted',
    'InstanceId',
    'MaxResults',
    'NextToken',
    'PageNumber',
    'PageSize',
    'SnapshotId',
    'Status',
    TAG,
    'ZoneId',
  ],
  DeleteDisk: ['DiskId', 'DryRun'],
  DescribeZones: ['AcceptLanguage', 'InstanceChargeType', 'SpotStrategy', 'Verbose'],
  LockSnapshot: [
    'ClientToken',
    'CoolOffPeriod',
    'DryRun',
    'LockDuration',
    'LockMode',
    'SnapshotId',
  ],
  UnlockSnapshot: ['ClientToken', 'DryRun', 'SnapshotId'],
  DescribeLockedSnapshots: [
    'DryRun',
    'LockStatus',
    'MaxResults',
    'NextToken',
    'SnapshotIds',
    /^SnapshotIds\.\d+$/,
  ],
};

/** Refuses (400 UnsupportedParameter) the first parameter `action` does not read. */
export function checkAcceptedParams(
  action: string,
  params: Readonly<Record<string, string>>,
): void {
  // An action missing from the table accepts nothing beyond the common parameters.
  const accepted = ACCEPTED[action] ?? [];
  for (const name of Object.keys(params)) {
    if (SIGNING_PARAMS.has(name) || COMMON.includes(name)) continue;
    const known = accepted.some((a) => (typeof a === 'string' ? a === name : a.test(name)));
    if (!known) throw apiError('UnsupportedParameter', name);
  }
}
