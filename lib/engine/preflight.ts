import { CloudApiError } from '../cloud/errors.ts';
import { Code } from '../codes.ts';
import type { Destination } from '../policy/schema.ts';
import { stopsRun } from './call-outcome.ts';
import type { PlanSession } from './session.ts';
import type { StopReason } from './stop.ts';

export type PreflightResult =
  | { region: string; ok: true }
  | {
      region: string;
      ok: false;
      /** Why the destination takes no copies this run. */
      stopped: StopReason;
      /** Set when the failure means the whole run must stop (credentials, account). */
      abort?: CloudApiError;
    };

/**
 * ECS encrypts with symmetric keys only (InvalidKMSKeyId.NotSymmetric); KMS names every
 * symmetric spec Aliyun_* (AES_256, AES_128, SM4, ...), asymmetric ones RSA_* / EC_*.
 */
function isSymmetricSpec(keySpec: string): boolean {
  // An empty spec (older KMS answers) is given the benefit of the doubt; CopySnapshot decides.
  return keySpec === '' || keySpec.startsWith('Aliyun_');
}

async function checkDestination(session: PlanSession, dest: Destination): Promise<PreflightResult> {
  const keyId = dest.kmsKeyId;
  if (!keyId) return { region: dest.region, ok: true };
  try {
    const { value: key } = await session.call('DescribeKey', dest.region, () =>
      session.kms.describeKey(dest.region, keyId),
    );
    if (key.keyState !== 'Enabled') {
      return {
        region: dest.region,
        ok: false,
        stopped: {
          code: Code.KmsKeyNotEnabled,
          message: `KMS key ${keyId} in ${dest.region} is ${key.keyState || 'in an unknown state'}, not Enabled: copies to ${dest.region} are stopped`,
        },
      };
    }
    if (!isSymmetricSpec(key.keySpec)) {
      return {
        region: dest.region,
        ok: false,
        stopped: {
          code: Code.KmsKeyNotSymmetric,
          message: `KMS key ${keyId} in ${dest.region} is ${key.keySpec}, not a symmetric key ECS can encrypt with: copies to ${dest.region} are stopped`,
        },
      };
    }
    return { region: dest.region, ok: true };
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    const result: PreflightResult = {
      region: dest.region,
      ok: false,
      stopped: {
        code: error.code,
        message: `KMS key ${keyId} in ${dest.region} could not be checked: ${error.message}`,
      },
    };
    if (stopsRun(error)) result.abort = error;
    return result;
  }
}

/** Step 2: each destination that uses a KMS key must have it Enabled and symmetric; failures stop only it. */
export function preflight(
  session: PlanSession,
  destinations: Destination[],
): Promise<PreflightResult[]> {
  return Promise.all(destinations.map((d) => checkDestination(session, d)));
}
