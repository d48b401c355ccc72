import { redactSecrets } from '../cloud/errors.ts';
import { Code } from '../codes.ts';
import { planPolicy } from '../engine/run.ts';
import type { Plan } from '../engine/types.ts';
import { InvalidInputError, ReplicatorError } from '../errors.ts';
import type { Credentials } from '../ports.ts';
import { type AccountRunInput, assumeMemberRole, memberCloud } from './account-run.ts';

/** One account's plan, or why the account cannot be planned (its role, its credentials). */
export type AccountPlanOutcome =
  | { ok: true; plan: Plan }
  | { ok: false; errorCode: string; message: string };

/** What a plan needs of a run's input: the role to assume, the policy, the endpoint. */
export type AccountPlanInput = Pick<
  AccountRunInput,
  'roleArn' | 'runId' | 'durationSeconds' | 'sts' | 'sleep' | 'policy' | 'endpoint'
>;

/**
 * `org plan` for one (account, policy): the member role assumed exactly as a run assumes it,
 * then the single-account plan under that session. Read-only like `plan`: nothing is copied,
 * tagged or recorded. A refused AssumeRole, or a plan the account's credentials cannot make,
 * is this account's outcome only; a bad policy is still the caller's input error.
 */
export async function planInAccount(input: AccountPlanInput): Promise<AccountPlanOutcome> {
  let credentials: Credentials;
  try {
    credentials = await assumeMemberRole(input);
  } catch (error) {
    return unusable(error, `cannot assume ${input.roleArn}: `);
  }
  const cloud = memberCloud(input, credentials);
  try {
    const plan = await planPolicy({ policy: input.policy, cloud, runId: input.runId });
    return { ok: true, plan };
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    return unusable(error, '');
  }
}

function unusable(error: unknown, prefix: string): AccountPlanOutcome {
  const errorCode = error instanceof ReplicatorError ? error.code : Code.Unexpected;
  const message = redactSecrets(
    `${prefix}${error instanceof Error ? error.message : String(error)}`,
  );
  return { ok: false, errorCode, message };
}
