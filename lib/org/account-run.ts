import { setTimeout as defaultSleep } from 'node:timers/promises';
import { createCloudClients } from '../cloud/clients.ts';
import { CloudApiError, redactSecrets } from '../cloud/errors.ts';
import { Code } from '../codes.ts';
import { runPolicy } from '../engine/run.ts';
import type { EngineTuning, RunSummary } from '../engine/types.ts';
import { ExitCode } from '../errors.ts';
import type { Policy } from '../policy/schema.ts';
import type { Credentials, LogSink, StsApi } from '../ports.ts';
import { AlertKind } from '../records/types.ts';
import { Jitter, retry } from '../retry.ts';
import { accountSink } from './account-sink.ts';
import { sessionName } from './sts.ts';

/** What one (account, policy) run came to; the org view of a RunSummary. */
export interface AccountRunResult {
  accountId: string;
  policy: string;
  runId: string;
  exitCode: number;
  errorCode?: string;
  message?: string;
  summary?: RunSummary;
}

export interface AccountRunInput {
  accountId: string;
  roleArn: string;
  policy: Policy;
  runId: string;
  durationSeconds: number;
  /** STS in the management account (the caller's credentials). */
  sts: StsApi;
  /** The central sink; records get this account's id. */
  sink: LogSink;
  endpoint?: string | undefined;
  budgetMs?: number;
  tuning?: EngineTuning;
  /** The engine under the member role; tests and the emulator pass nothing else. */
  cloudFor?: (credentials: Credentials) => ReturnType<typeof createCloudClients>;
  sleep?: (ms: number) => Promise<void>;
}

/** AssumeRole attempts: a timeout, a 5xx or throttling is retried; a refusal is final. */
export const ASSUME_ROLE_ATTEMPTS = 3;
const ASSUME_BACKOFF_MS = 1_000;

function transient(error: unknown): boolean {
  if (!(error instanceof CloudApiError)) return false;
  if (error.code.startsWith('Throttling')) return true;
  return error.httpStatus === undefined || error.httpStatus >= 500;
}

/** The member role's session; shared by the run and the plan so they assume it the same way. */
export async function assumeMemberRole(
  input: Pick<AccountRunInput, 'sts' | 'roleArn' | 'runId' | 'durationSeconds' | 'sleep'>,
): Promise<Credentials> {
  const { value } = await retry(
    () =>
      input.sts.assumeRole({
        roleArn: input.roleArn,
        sessionName: sessionName(`dr-${input.runId}`),
        durationSeconds: input.durationSeconds,
      }),
    {
      attempts: ASSUME_ROLE_ATTEMPTS,
      baseDelayMs: ASSUME_BACKOFF_MS,
      jitter: Jitter.None,
      classify: transient,
      sleep: (ms) => (input.sleep ?? defaultSleep)(ms),
    },
  );
  return value;
}

/** The engine's cloud under the member role's credentials: `cloudFor`, else the real clients. */
export function memberCloud(
  input: Pick<AccountRunInput, 'cloudFor' | 'endpoint'>,
  credentials: Credentials,
): ReturnType<typeof createCloudClients> {
  const cloudFor =
    input.cloudFor ?? ((c) => createCloudClients({ credentials: c, endpoint: input.endpoint }));
  return cloudFor(credentials);
}

/**
 * One policy in one member account: assume the member role (the session name carries the run
 * id, so CloudTrail-style audit shows which run did what), then the normal engine under those
 * credentials. A refused AssumeRole is this account's alert and exit status only.
 */
export async function runInAccount(input: AccountRunInput): Promise<AccountRunResult> {
  const sink = accountSink(input.sink, input.accountId);
  const base = { accountId: input.accountId, policy: input.policy.name, runId: input.runId };
  let credentials: Credentials;
  try {
    credentials = await assumeMemberRole(input);
  } catch (error) {
    const code = error instanceof CloudApiError ? error.code : Code.AssumeRoleFailed;
    const message = redactSecrets(
      `cannot assume ${input.roleArn}: ${error instanceof Error ? error.message : String(error)}`,
    );
    await sink.write([
      {
        kind: 'alert',
        alert: AlertKind.RunAborted,
        runId: input.runId,
        policy: input.policy.name,
        time: new Date().toISOString(),
        errorCode: code,
        message,
      },
    ]);
    return { ...base, exitCode: ExitCode.Aborted, errorCode: code, message };
  }
  const cloud = memberCloud(input, credentials);
  const summary = await runPolicy({
    policy: input.policy,
    cloud,
    sink,
    runId: input.runId,
    ...(input.budgetMs !== undefined ? { budgetMs: input.budgetMs } : {}),
    ...(input.tuning ? { tuning: input.tuning } : {}),
  });
  return {
    ...base,
    exitCode: summary.exitCode,
    ...(summary.aborted
      ? { errorCode: summary.aborted.errorCode, message: summary.aborted.message }
      : {}),
    summary,
  };
}
