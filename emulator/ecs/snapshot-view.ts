import { createHash } from 'node:crypto';
import { progressAt } from '../model/cloud-model.ts';
import type { SnapshotRecord } from '../model/records.ts';

/** yyyy-MM-ddTHH:mm:ssZ, the API's time format. */
export function apiTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The snapshot chain of a disk in a region (`sl-…`): every snapshot of one disk in one region is
 * on one chain, so copies in a destination form their own chain. Derived, not stored.
 */
export function snapshotLinkId(s: Pick<SnapshotRecord, 'regionId' | 'sourceDiskId'>): string {
  const digest = createHash('sha1').update(`${s.regionId}|${s.sourceDiskId}`).digest('hex');
  return `sl-${digest.slice(0, 20)}`;
}

/**
 * A snapshot as DescribeSnapshots returns it: the field names of the TS SDK model, the types of
 * the wire (test/fixtures/wire-samples names the source of each).
 */
export function snapshotView(s: SnapshotRecord, now: number): Record<string, unknown> {
  const remain =
    s.status === 'progressing' && s.completesAt !== undefined
      ? Math.max(0, Math.ceil((s.completesAt - now) / 1000))
      : 0;
  return {
    SnapshotId: s.snapshotId,
    SnapshotName: s.name,
    Description: s.description,
    RegionId: s.regionId,
    Status: s.status,
    Progress: `${progressAt(s, now)}%`,
    RemainTime: remain,
    CreationTime: apiTime(s.creationTime),
    LastModifiedTime: apiTime(s.lastModifiedTime),
    SourceDiskId: s.sourceDiskId,
    // A number on the wire (GiB). The API metadata and the Tea models say string; captured
    // responses and the documented sample send a number, and the SDK maintainers called the
    // metadata wrong (github.com/aliyun/alibaba-cloud-sdk-go/issues/28). Follow the wire.
    SourceDiskSize: s.sourceDiskSize,
    SourceDiskType: s.sourceDiskType,
    SourceStorageType: 'disk',
    SnapshotType: s.snapshotType,
    Category: s.category,
    Encrypted: s.encrypted,
    KMSKeyId: s.kmsKeyId ?? '',
    Usage: 'none',
    ProductCode: '',
    SnapshotSN: `64${s.snapshotId.replace(/\W/g, '').slice(-16)}`,
    SnapshotLinkId: snapshotLinkId(s),
    ResourceGroupId: s.resourceGroupId ?? '',
    Available: s.status === 'accomplished',
    InstantAccess: false,
    ...(s.retentionDays !== undefined && { RetentionDays: s.retentionDays }),
    ...(s.sourceSnapshotId !== undefined && { SourceSnapshotId: s.sourceSnapshotId }),
    ...(s.sourceRegionId !== undefined && { SourceRegionId: s.sourceRegionId }),
    Tags: { Tag: Object.entries(s.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) },
  };
}
