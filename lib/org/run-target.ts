import path from 'node:path';
import { createSink } from '../cloud/sinks.ts';
import { Code } from '../codes.ts';
import type { EngineTuning } from '../engine/types.ts';
import { InvalidInputError } from '../errors.ts';
import { loadPolicyFile } from '../policy/load.ts';
import type { Credentials, LogSink } from '../ports.ts';
import { type AccountRunResult, runInAccount } from './account-run.ts';
import type { Org } from './schema.ts';
import { roleArn } from './schema.ts';
import { createStsApi } from './sts.ts';
import { policyPath } from './targets.ts';

/** The worker's payload: small (FC async payloads are capped at 128 KB), names, never secrets. */
export interface WorkerPayload {
  runId: string;
  accountId: string;
  /** The policy as the organisation file names it. */
  policyFile: string;
}

export class TargetNotInOrgError extends InvalidInputError {
  constructor(message: string) {
    super(Code.OrgTargetUnknown, message);
  }
}

/**
 * Runs one (account, policy) of an organisation under `credentials` (the management side):
 * the role ARN comes from the organisation file, never from the payload, so a forged payload
 * cannot make the worker assume an arbitrary role.
 */
export async function runTarget(init: {
  org: Org;
  orgFile: string;
  payload: WorkerPayload;
  credentials: Credentials;
  endpoint?: string | undefined;
  /** Shared central sink (local fan-out); default one from the org's `log`. */
  sink?: LogSink;
  budgetMs?: number;
  tuning?: EngineTuning;
}): Promise<AccountRunResult> {
  const { org, payload } = init;
  const ref = org.policies.find((p) => p.file === payload.policyFile);
  if (ref === undefined)
    throw new TargetNotInOrgError(`policy ${payload.policyFile} is not in ${org.name}`);
  if (!/^[0-9]{16}$/.test(payload.accountId) || org.exclude.includes(payload.accountId)) {
    throw new TargetNotInOrgError(`account ${payload.accountId} is not a member of ${org.name}`);
  }
  if (org.accounts !== undefined && !org.accounts.includes(payload.accountId)) {
    throw new TargetNotInOrgError(`account ${payload.accountId} is not listed in ${org.name}`);
  }
  const policy = await loadPolicyFile(policyPath(init.orgFile, ref.file));
  const own = init.sink === undefined;
  const sink =
    init.sink ??
    (await createSink(org.log, {
      credentials: init.credentials,
      endpoint: init.endpoint,
      // A relative `log: {type: file}` path is relative to the organisation file.
      baseDir: path.dirname(init.orgFile),
    }));
  try {
    return await runInAccount({
      accountId: payload.accountId,
      roleArn: roleArn(payload.accountId, org.role),
      policy,
      runId: payload.runId,
      durationSeconds: org.sessionDurationSeconds,
      sts: createStsApi(init.credentials, init.endpoint),
      sink,
      endpoint: init.endpoint,
      ...(init.budgetMs !== undefined ? { budgetMs: init.budgetMs } : {}),
      ...(init.tuning ? { tuning: init.tuning } : {}),
    });
  } finally {
    if (own) await sink.close();
  }
}
