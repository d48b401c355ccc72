import { CloudApiError } from '../cloud/errors.ts';
import { Code } from '../codes.ts';
import type { Destination } from '../policy/schema.ts';
import { classify, ErrorClass } from './classify.ts';
import type { EngineContext } from './context.ts';

export interface PreflightResult {
  region: string;
  ok: boolean;
  errorCode?: string;
  message?: string;
  /** Set when the failure means the whole run must stop (credentials, account). */
  abort?: CloudApiError;
}

/**
 * ECS encrypts with symmetric keys only (InvalidKMSKeyId.NotSymmetric); KMS names every
 * symmetric spec Aliyun_* (AES_256, AES_128, SM4, ...), asymmetric ones RSA_* / EC_*.
 */
function isSymmetricSpec(keySpec: string): boolean {
  // An empty spec (older KMS answers) is given the benefit of the doubt; CopySnapshot decides.
  return keySpec === '' || keySpec.startsWith('Aliyun_');
}

async function checkDestination(ctx: EngineContext, dest: Destination): Promise<PreflightResult> {
  const keyId = dest.kmsKeyId;
  if (!keyId) return { region: dest.region, ok: true };
  try {
    const { value: key } = await ctx.call('DescribeKey', dest.region, () =>
      ctx.kms.describeKey(dest.region, keyId),
    );
    if (key.keyState !== 'Enabled') {
      return {
        region: dest.region,
        ok: false,
        errorCode: Code.KmsKeyNotEnabled,
        message: `KMS key ${keyId} in ${dest.region} is ${key.keyState || 'in an unknown state'}, not Enabled: copies to ${dest.region} are stopped`,
      };
    }
    if (!isSymmetricSpec(key.keySpec)) {
      return {
        region: dest.region,
        ok: false,
        errorCode: Code.KmsKeyNotSymmetric,
        message: `KMS key ${keyId} in ${dest.region} is ${key.keySpec}, not a symmetric key ECS can encrypt with: copies to ${dest.region} are stopped`,
      };
    }
    return { region: dest.region, ok: true };
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    const result: PreflightResult = {
      region: dest.region,
      ok: false,
      errorCode: error.code,
      message: `KMS key ${keyId} in ${dest.region} could not be checked: ${error.message}`,
    };
    if (classify(error.code, error.httpStatus) === ErrorClass.StopRun) result.abort = error;
    return result;
  }
}

/** Step 2: each destination that uses a KMS key must have it Enabled and symmetric; failures stop only it. */
export function preflight(
  ctx: EngineContext,
  destinations: Destination[],
): Promise<PreflightResult[]> {
  return Promise.all(destinations.map((d) => checkDestination(ctx, d)));
}
