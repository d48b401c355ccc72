import type { ActionSpec } from '../actions/context.ts';
import { EMULATED_REGIONS } from '../regions.ts';

/** DescribeRegions: the regions of the loaded world. */
export const describeRegions: ActionSpec = {
  mutates: false,
  handle(ctx) {
    ctx.authorize('ecs:DescribeRegions', '*');
    const regions = [...ctx.model.regions.keys()].sort().map((id) => ({
      RegionId: id,
      LocalName: (EMULATED_REGIONS as Record<string, string>)[id] ?? id,
      RegionEndpoint: `ecs.${id}.aliyuncs.com`,
      Status: 'available',
    }));
    return { Regions: { Region: regions } };
  },
};
