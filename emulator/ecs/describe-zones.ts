import type { ActionSpec } from '../actions/context.ts';
import { optional, optionalBool } from '../actions/params.ts';
import { regionParam } from './region-param.ts';

/** Disk categories every emulated zone sells (CreateDisk's DiskCategory values). */
const DISK_CATEGORIES = [
  'cloud',
  'cloud_auto',
  'cloud_efficiency',
  'cloud_essd',
  'cloud_essd_entry',
  'cloud_ssd',
];

/**
 * DescribeZones: the region's zones (world `zones`, default `<region>-a`, `<region>-b`), each
 * open for disks of every category. The API page discloses no resource-level authorization, so
 * RAM is checked against the region (`acs:ecs:<region>:<account>:*`).
 */
export const describeZones: ActionSpec = {
  mutates: false,
  handle(ctx) {
    const { model } = ctx;
    const region = regionParam(model, ctx.params);
    ctx.authorize('ecs:DescribeZones', `acs:ecs:${region}:${model.accountId}:*`);
    optionalBool(ctx.params, 'Verbose');
    optional(ctx.params, 'InstanceChargeType');
    optional(ctx.params, 'SpotStrategy');
    optional(ctx.params, 'AcceptLanguage');
    return {
      Zones: {
        Zone: model.zonesOf(region).map((zoneId) => ({
          ZoneId: zoneId,
          ZoneType: 'AvailabilityZone',
          LocalName: zoneId,
          AvailableResourceCreation: { ResourceTypes: ['Instance', 'Disk'] },
          AvailableDiskCategories: { DiskCategories: DISK_CATEGORIES },
          AvailableVolumeCategories: { VolumeCategories: [] },
        })),
      },
    };
  },
};
