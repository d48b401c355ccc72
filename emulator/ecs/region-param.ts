import { required } from '../actions/params.ts';
import type { CloudModel } from '../model/cloud-model.ts';
import { apiError } from '../protocol/api-error.ts';
import { REGION_ID_RE } from './rules.ts';

/** The call's RegionId: required, well formed and a region of this world. */
export function regionParam(model: CloudModel, params: Readonly<Record<string, string>>): string {
  const region = required(params, 'RegionId');
  if (!REGION_ID_RE.test(region) || !model.regions.has(region)) {
    throw apiError('InvalidRegionId.MalFormed');
  }
  return region;
}
