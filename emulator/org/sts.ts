import { ApiError } from '../protocol/api-error.ts';
import type { StsCredentials } from '../protocol/credentials.ts';
import { type Caller, type RoleSpec, trusts } from './trust.ts';

/** AssumeRole DurationSeconds: at least 900, at most the role's MaxSessionDuration. */
export const MIN_DURATION_SECONDS = 900;
const SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/;

export interface AssumedSession {
  accountId: string;
  role: string;
  roleArn: string;
  sessionName: string;
  caller: Caller;
  accessKeyId: string;
  expiration: string;
}

export interface StsDeps {
  /** The role, or undefined when the account has none of that name. */
  findRole(accountId: string, roleName: string): RoleSpec | undefined;
  /** Issues a pair in the target account, valid `ttlSeconds`. */
  issue(accountId: string, ttlSeconds: number): StsCredentials;
}

const ARN = /^acs:ram::(\d+):role\/([A-Za-z0-9.-]{1,64})$/;

/**
 * STS AssumeRole (2015-04-01): role ARN and session name checks, the role's trust policy
 * against the caller, a duration within [900, MaxSessionDuration], credentials that expire.
 */
export function assumeRole(
  params: Readonly<Record<string, string>>,
  caller: Caller,
  deps: StsDeps,
): { result: Record<string, unknown>; session: AssumedSession } {
  const arn = params.RoleArn;
  const name = params.RoleSessionName;
  if (!arn)
    throw new ApiError(
      400,
      'MissingParameter',
      'The input parameter "RoleArn" that is mandatory for processing this request is not supplied.',
    );
  if (!name)
    throw new ApiError(
      400,
      'MissingParameter',
      'The input parameter "RoleSessionName" that is mandatory for processing this request is not supplied.',
    );
  const m = ARN.exec(arn);
  if (m === null)
    throw new ApiError(400, 'InvalidParameter.RoleArn', 'The parameter RoleArn is wrongly formed.');
  if (!SESSION_NAME.test(name)) {
    throw new ApiError(
      400,
      'InvalidParameter.RoleSessionName',
      'The parameter RoleSessionName is wrongly formed.',
    );
  }
  const accountId = m[1]!;
  const roleName = m[2]!;
  const role = deps.findRole(accountId, roleName);
  if (role === undefined) {
    throw new ApiError(404, 'EntityNotExist.Role', `The specified Role not exists: ${arn}.`);
  }
  const max = role.maxSessionDuration ?? 3600;
  const duration = params.DurationSeconds === undefined ? 3600 : Number(params.DurationSeconds);
  if (!Number.isInteger(duration) || duration < MIN_DURATION_SECONDS || duration > max) {
    throw new ApiError(
      400,
      'InvalidParameter.DurationSeconds',
      `The Min/Max value of DurationSeconds is ${MIN_DURATION_SECONDS}/${max} seconds.`,
    );
  }
  if (!trusts(role.trustPolicy, caller)) {
    throw new ApiError(
      403,
      'NoPermission',
      'You are not authorized to do this action. You should be authorized by RAM.',
    );
  }
  const creds = deps.issue(accountId, duration);
  const sessionArn = `acs:ram::${accountId}:role/${roleName.toLowerCase()}/${name}`;
  return {
    result: {
      Credentials: {
        AccessKeyId: creds.accessKeyId,
        AccessKeySecret: creds.accessKeySecret,
        SecurityToken: creds.securityToken,
        Expiration: creds.expiration,
      },
      AssumedRoleUser: { Arn: sessionArn, AssumedRoleId: `3${accountId.slice(0, 8)}:${name}` },
    },
    session: {
      accountId,
      role: roleName,
      roleArn: arn,
      sessionName: name,
      caller,
      accessKeyId: creds.accessKeyId,
      expiration: creds.expiration,
    },
  };
}
