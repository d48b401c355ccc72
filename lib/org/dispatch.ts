import pLimit from 'p-limit';
import type { Credentials } from '../cloud/ports.ts';
import { createDirectoryApi } from './directory.ts';
import type { InvokePort } from './ports.ts';
import type { WorkerPayload } from './run-target.ts';
import type { Org } from './schema.ts';
import { orgTargets, resolveAccounts } from './targets.ts';
import { workerTaskId } from './task-id.ts';

export interface DispatchResult {
  runId: string;
  accounts: number;
  invocations: { accepted: number; duplicate: number; failed: number };
  failures: { accountId: string; policyFile: string; errorCode: string }[];
}

/** Invokes calls in flight at once: well under FC's per-account API rate. */
const INVOKE_CONCURRENCY = 10;

/**
 * Lists the accounts and invokes the worker once per (account, policy), asynchronously, with a
 * deterministic task id: a second dispatch of the same run is refused by FC (409), not run.
 */
export async function dispatchOrg(init: {
  org: Org;
  runId: string;
  credentials: Credentials;
  endpoint?: string | undefined;
  invoker: InvokePort;
}): Promise<DispatchResult> {
  const { org } = init;
  const accounts = await resolveAccounts(
    org,
    org.directory === undefined ? undefined : createDirectoryApi(init.credentials, init.endpoint),
  );
  const targets = orgTargets(org, accounts);
  const result: DispatchResult = {
    runId: init.runId,
    accounts: accounts.length,
    invocations: { accepted: 0, duplicate: 0, failed: 0 },
    failures: [],
  };
  const limit = pLimit(INVOKE_CONCURRENCY);
  await Promise.all(
    targets.map((t) =>
      limit(async () => {
        const payload: WorkerPayload = {
          runId: init.runId,
          accountId: t.accountId,
          policyFile: t.policyFile,
        };
        try {
          const outcome = await init.invoker.invokeAsync({
            functionName: org.worker.functionName,
            payload: JSON.stringify(payload),
            taskId: workerTaskId(init.runId, t.accountId, t.policyFile),
          });
          result.invocations[outcome.status === 'accepted' ? 'accepted' : 'duplicate'] += 1;
        } catch (error) {
          result.invocations.failed += 1;
          result.failures.push({
            accountId: t.accountId,
            policyFile: t.policyFile,
            errorCode: (error as { code?: string }).code ?? 'InvokeFailed',
          });
        }
      }),
    ),
  );
  return result;
}
