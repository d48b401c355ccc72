import type { SnapshotRecord } from '../model/records.ts';

/** yyyy-MM-ddTHH:mm:ssZ, the API's time format. */
export function apiTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A snapshot as DescribeSnapshots returns it (field names and types of the TS SDK model). */
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
    Progress: `${s.progress}%`,
    RemainTime: remain,
    CreationTime: apiTime(s.creationTime),
    LastModifiedTime: apiTime(s.lastModifiedTime),
    SourceDiskId: s.sourceDiskId,
    // Typed string in the SDK model (the doc sample shows a number).
    SourceDiskSize: String(s.sourceDiskSize),
    SourceDiskType: s.sourceDiskType,
    SourceStorageType: 'disk',
    SnapshotType: s.snapshotType,
    Category: s.category,
    Encrypted: s.encrypted,
    KMSKeyId: s.kmsKeyId ?? '',
    Usage: 'none',
    ProductCode: '',
    SnapshotSN: `64${s.snapshotId.replace(/\W/g, '').slice(-16)}`,
    Available: s.status === 'accomplished',
    InstantAccess: false,
    ...(s.retentionDays !== undefined && { RetentionDays: s.retentionDays }),
    ...(s.sourceSnapshotId !== undefined && { SourceSnapshotId: s.sourceSnapshotId }),
    ...(s.sourceRegionId !== undefined && { SourceRegionId: s.sourceRegionId }),
    Tags: { Tag: Object.entries(s.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) },
  };
}
