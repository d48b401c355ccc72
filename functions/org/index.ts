import path from 'node:path';
import { endpointFromEnv } from '../../lib/cloud/clients.ts';
import { redactSecrets } from '../../lib/cloud/errors.ts';
import { Code } from '../../lib/codes.ts';
import type { EngineTuning } from '../../lib/engine/types.ts';
import { InvalidInputError, ReplicatorError } from '../../lib/errors.ts';
import type { AccountRunResult } from '../../lib/org/account-run.ts';
import { type DispatchResult, dispatchOrg } from '../../lib/org/dispatch.ts';
import { createFc3Invoker } from '../../lib/org/invoke-fc3.ts';
import { loadOrgFile } from '../../lib/org/load.ts';
import { runTarget, type WorkerPayload } from '../../lib/org/run-target.ts';
import { orgRunId } from '../../lib/org/task-id.ts';
import type { InvokePort } from '../../lib/ports.ts';
import { budgetMs, credentialsFromContext, type FcContext } from '../replicate/context.ts';
import { createJsonLogger } from '../replicate/log.ts';

/**
 * The organisation's two FC 3.0 functions. `dispatch` (timer) lists the member accounts and
 * invokes `work` asynchronously once per (account, policy); `work` assumes the member role and
 * runs the engine there. Both read the organisation file shipped beside the bundle.
 */

export const OrgEnv = {
  /** The organisation file, relative to the code root. */
  OrgFile: 'ORG_FILE',
  CodePath: 'FC_FUNC_CODE_PATH',
} as const;

export class MalformedWorkerEventError extends InvalidInputError {
  constructor(message: string) {
    super(Code.EventMalformed, message);
  }
}

export interface OrgHandlerDeps {
  env?: NodeJS.ProcessEnv;
  cwd?: () => string;
  writeLog?: (line: string) => void;
  /** The invoke adapter; default the FC 3.0 SDK against FC (or DR_REPLICATOR_ENDPOINT). */
  invoker?: (context: FcContext) => InvokePort;
  /** Engine clock and sleep (the emulator's sped-up clock in the org demo, tests and bench). */
  tuning?: EngineTuning;
}

function orgFileOf(env: NodeJS.ProcessEnv, cwd: string): string {
  const file = env[OrgEnv.OrgFile];
  if (!file) throw new InvalidInputError(Code.OrgNotConfigured, `${OrgEnv.OrgFile} is not set`);
  return path.resolve(env[OrgEnv.CodePath] || cwd, file);
}

function triggerTime(event: Buffer): Date | undefined {
  const text = event.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    const parsed = JSON.parse(text) as { triggerTime?: unknown };
    return typeof parsed.triggerTime === 'string' && !Number.isNaN(Date.parse(parsed.triggerTime))
      ? new Date(parsed.triggerTime)
      : undefined;
  } catch {
    return undefined;
  }
}

function workerPayload(event: Buffer): WorkerPayload {
  let data: unknown;
  try {
    data = JSON.parse(event.toString('utf8'));
  } catch {
    throw new MalformedWorkerEventError('worker event is not JSON');
  }
  const p = data as Partial<Record<keyof WorkerPayload, unknown>>;
  for (const key of ['runId', 'accountId', 'policyFile'] as const) {
    if (typeof p[key] !== 'string' || p[key] === '') {
      throw new MalformedWorkerEventError(`worker event needs a string ${key}`);
    }
  }
  return p as WorkerPayload;
}

export function createOrgHandlers(deps: OrgHandlerDeps = {}) {
  const envOf = () => deps.env ?? process.env;
  const cwdOf = () => deps.cwd?.() ?? process.cwd();

  async function dispatch(event: Buffer, context: FcContext): Promise<DispatchResult> {
    const env = envOf();
    const log = createJsonLogger({
      requestId: context.requestId,
      functionName: context.function?.name,
      ...(deps.writeLog ? { write: deps.writeLog } : {}),
    });
    const org = await loadOrgFile(orgFileOf(env, cwdOf()));
    const credentials = credentialsFromContext(context);
    const endpoint = endpointFromEnv(env);
    // The trigger time, not the request id: a retried dispatch reuses every task id.
    const runId = orgRunId(org.name, triggerTime(event) ?? new Date());
    const invoker =
      deps.invoker?.(context) ??
      createFc3Invoker({
        credentials,
        accountId: context.accountId ?? '',
        region: org.worker.region,
        endpoint,
      });
    const result = await dispatchOrg({ org, runId, credentials, endpoint, invoker });
    log[result.invocations.failed > 0 ? 'error' : 'info']('dispatched', {
      runId,
      accounts: result.accounts,
      ...result.invocations,
    });
    return result;
  }

  async function work(event: Buffer, context: FcContext): Promise<AccountRunResult> {
    const started = performance.now();
    const env = envOf();
    const log = createJsonLogger({
      requestId: context.requestId,
      functionName: context.function?.name,
      ...(deps.writeLog ? { write: deps.writeLog } : {}),
    });
    const orgFile = orgFileOf(env, cwdOf());
    const org = await loadOrgFile(orgFile);
    const payload = workerPayload(event);
    try {
      const result = await runTarget({
        org,
        orgFile,
        payload,
        credentials: credentialsFromContext(context),
        endpoint: endpointFromEnv(env),
        budgetMs: budgetMs(context, performance.now() - started),
        ...(deps.tuning ? { tuning: deps.tuning } : {}),
      });
      log[result.exitCode === 0 ? 'info' : 'warn']('account run finished', {
        runId: result.runId,
        accountId: result.accountId,
        policy: result.policy,
        exitCode: result.exitCode,
        ...(result.errorCode ? { errorCode: result.errorCode } : {}),
      });
      // No throw for an aborted account: FC would retry a refused AssumeRole to no avail.
      const { summary: _omit, ...small } = result;
      return small;
    } catch (error) {
      const message = redactSecrets(error instanceof Error ? error.message : String(error));
      log.error('account run crashed', { accountId: payload.accountId, errorMessage: message });
      if (error instanceof ReplicatorError) throw error;
      throw new ReplicatorError(Code.HandlerUnexpected, message, {
        cause: { name: (error as Error)?.name },
      });
    }
  }

  return { dispatch, work };
}

const handlers = createOrgHandlers();
/** `index.dispatch` in s.yaml (timer). */
export const dispatch = handlers.dispatch;
/** `index.work` in s.yaml (asynchronous, invoked by dispatch). */
export const work = handlers.work;
