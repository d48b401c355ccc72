import { Code } from '../../lib/codes.ts';
import { InvalidInputError } from '../../lib/errors.ts';
import type { Credentials } from '../../lib/ports.ts';

/** The parts of the FC 3.0 Node.js context the handler reads. */
export interface FcContext {
  requestId: string;
  /** STS credentials of the function's role. */
  credentials?: {
    accessKeyId?: string;
    accessKeySecret?: string;
    securityToken?: string;
  };
  function?: {
    name?: string;
    handler?: string;
    memory?: number;
    /** Seconds (1..86400). */
    timeout?: number;
  };
  region?: string;
  accountId?: string;
}

export class MissingRoleCredentialsError extends InvalidInputError {
  constructor() {
    super(
      Code.MissingCredentials,
      'context.credentials has no accessKeyId/accessKeySecret: give the function a role',
    );
  }
}

export function credentialsFromContext(context: FcContext): Credentials {
  const c = context.credentials;
  if (!c?.accessKeyId || !c.accessKeySecret) throw new MissingRoleCredentialsError();
  return {
    accessKeyId: c.accessKeyId,
    accessKeySecret: c.accessKeySecret,
    ...(c.securityToken ? { securityToken: c.securityToken } : {}),
  };
}

/** FC's default function timeout when the context does not say (the fc3 schema default). */
export const DEFAULT_TIMEOUT_SECONDS = 3;

/**
 * What is left of the function's timeout, measured from when the invocation started: the engine
 * stops starting copies at limits.timeBudgetFraction of it.
 */
export function budgetMs(context: FcContext, elapsedMs: number): number {
  const timeout = context.function?.timeout;
  const seconds = typeof timeout === 'number' && timeout > 0 ? timeout : DEFAULT_TIMEOUT_SECONDS;
  return Math.max(0, seconds * 1000 - elapsedMs);
}
