import { logstoreArn } from '../actions/arn.ts';
import type { CloudModel } from '../model/cloud-model.ts';
import { apiError } from '../protocol/api-error.ts';
import type { SlsAccess, SlsAuthorization } from '../sls/access.ts';
import { isAllowed, type RamPolicy } from './ram-policy.ts';

/**
 * Enforces the account's RAM policy (null: no policy, everything allowed) on an RPC action;
 * throws Forbidden.RAM. `resourceTags` feed `acs:ResourceTag/<key>` conditions.
 */
export function authorizeRpc(
  policy: RamPolicy | null,
  action: string,
  resource: string,
  resourceTags?: Readonly<Record<string, string>>,
): void {
  const context = resourceTags === undefined ? {} : { resourceTags };
  if (policy !== null && !isAllowed(policy, action, resource, context)) {
    throw apiError('Forbidden.RAM', `Action: ${action}, Resource: ${resource}`);
  }
}

/**
 * RAM for the Log Service on this account. A host that names no region (the emulator's own
 * endpoint) is granted when a statement grants the logstore in any region of the world.
 */
export function authorizeLog(
  policy: RamPolicy | null,
  model: CloudModel,
  access: SlsAccess,
): SlsAuthorization {
  const account = model.accountId;
  const arn = (region: string) => logstoreArn(region, account, access.project, access.logstore);
  const resource = arn(access.region ?? '*');
  if (policy === null) return { allowed: true, resource };
  const regions = access.region === undefined ? [...model.regions.keys()] : [access.region];
  return {
    allowed: regions.some((region) => isAllowed(policy, access.action, arn(region))),
    resource,
  };
}
