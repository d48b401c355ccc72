import { setTimeout as defaultSleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import type { Credentials, InvokePort } from '../ports.ts';
import { Jitter, retry } from '../retry.ts';
import { createDirectoryApi } from './directory.ts';
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
/** Attempts per invocation; a retry reuses the task id, so it cannot start a second run. */
export const INVOKE_ATTEMPTS = 4;
const BACKOFF_MS = 1_000;

function transient(error: unknown): boolean {
  const e = error as { httpStatus?: number; code?: string };
  if (e.httpStatus !== undefined) return e.httpStatus >= 500 || e.httpStatus === 429;
  // No HTTP answer: a timeout or a reset, the outcome unknown.
  return true;
}

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
  sleep?: (ms: number) => Promise<void>;
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
        const invocation = {
          functionName: org.worker.functionName,
          payload: JSON.stringify(payload),
          taskId: workerTaskId(init.runId, t.accountId, t.policyFile),
        };
        try {
          const { value: outcome, attempts } = await retry(
            () => init.invoker.invokeAsync(invocation),
            {
              attempts: INVOKE_ATTEMPTS,
              baseDelayMs: BACKOFF_MS,
              jitter: Jitter.None,
              classify: transient,
              sleep: (ms) => (init.sleep ?? defaultSleep)(ms),
            },
          );
          // A 409 after an unanswered attempt is that attempt landing: accepted, once.
          const accepted = outcome.status === 'accepted' || attempts > 1;
          result.invocations[accepted ? 'accepted' : 'duplicate'] += 1;
          return;
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
