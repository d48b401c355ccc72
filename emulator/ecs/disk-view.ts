import type { CloudModel } from '../model/cloud-model.ts';
import type { DiskRecord } from '../model/records.ts';
import { apiTime } from './snapshot-view.ts';

/** A disk as DescribeDisks shows it (the fields of the API page the model holds). */
export function diskView(model: CloudModel, d: DiskRecord): Record<string, unknown> {
  const status = model.diskStatus(d);
  return {
    DiskId: d.diskId,
    RegionId: d.regionId,
    ZoneId: d.zoneId ?? model.zonesOf(d.regionId)[0] ?? '',
    DiskName: d.name ?? '',
    Description: d.description ?? '',
    Type: d.type,
    Category: d.category,
    Size: d.sizeGiB,
    Encrypted: d.encrypted,
    KMSKeyId: d.kmsKeyId ?? '',
    SourceSnapshotId: d.sourceSnapshotId ?? '',
    Status: status,
    InstanceId: d.instanceId ?? '',
    CreationTime: d.creationTime === undefined ? '' : apiTime(d.creationTime),
    DiskChargeType: 'PostPaid',
    Portable: d.type === 'data',
    DeleteAutoSnapshot: true,
    DeleteWithInstance: false,
    Tags: { Tag: Object.entries(d.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) },
  };
}
