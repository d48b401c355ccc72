import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { endpointFromEnv } from '../../lib/cloud/clients.ts';
import { redactSecrets } from '../../lib/cloud/errors.ts';
import { Code } from '../../lib/codes.ts';
import { runPolicy } from '../../lib/engine/run.ts';
import type { RunSummary } from '../../lib/engine/types.ts';
import { ExitCode, InvalidInputError, ReplicatorError } from '../../lib/errors.ts';
import { PolicyValidationError } from '../../lib/policy/errors.ts';
import { loadPolicyFile } from '../../lib/policy/load.ts';
import { formatProblem } from '../../lib/policy/problems.ts';
import { RecordSpool, spoolDir } from '../../lib/records/spool.ts';
import { buildRuntime } from '../../lib/runtime.ts';
import { budgetMs, credentialsFromContext, type FcContext } from './context.ts';
import { parseTimerEvent } from './event.ts';
import { createJsonLogger, type JsonLogger } from './log.ts';
import { FunctionPendingRecords } from './pending-records.ts';
import { functionLogReader } from './pending-source.ts';

/**
 * FC 3.0 entry point: one timer event, one policy run. Thin on purpose: the engine does the
 * work; this reads the event and context, and turns every failure into a result and a log line.
 */

export type { FcContext } from './context.ts';

/** Returned instead of a summary when no run could start (bad event, policy or config). */
export interface HandlerFailure {
  runId: string;
  exitCode: number;
  error: { code: string; message: string; problems?: string[] };
}

export type HandlerResult = RunSummary | HandlerFailure;

export const HandlerEnv = {
  /** The policy run when the event names none; relative to the code root. */
  PolicyFile: 'POLICY_FILE',
  /** Where FC unpacks the code (FC sets it); policies ship beside the bundle. */
  CodePath: 'FC_FUNC_CODE_PATH',
} as const;

export class PolicyNotConfiguredError extends InvalidInputError {
  constructor() {
    super(
      'PolicyNotConfigured',
      `the event names no policy and ${HandlerEnv.PolicyFile} is not set`,
    );
  }
}

/** Unexpected failure; the message is scrubbed because FC logs what a handler throws. */
export class HandlerError extends ReplicatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(Code.HandlerUnexpected, redactSecrets(message), options);
  }
}

export interface HandlerDeps {
  /** Read on every invocation, so a test may point DR_REPLICATOR_ENDPOINT at an emulator. */
  env?: NodeJS.ProcessEnv;
  writeLog?: (line: string) => void;
  /** Where a relative policy path resolves when FC_FUNC_CODE_PATH is unset (default cwd). */
  cwd?: () => string;
}

function resolvePolicyPath(named: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const file = named ?? env[HandlerEnv.PolicyFile];
  if (!file) throw new PolicyNotConfiguredError();
  return path.resolve(env[HandlerEnv.CodePath] || cwd, file);
}

function failure(runId: string, error: ReplicatorError, log: JsonLogger): HandlerFailure {
  const problems =
    error instanceof PolicyValidationError ? error.problems.map(formatProblem) : undefined;
  const exitCode = error instanceof InvalidInputError ? ExitCode.InvalidInput : ExitCode.Aborted;
  // The first line only: a policy error's message repeats the problems listed beside it.
  const message = redactSecrets(error.message.split('\n')[0] ?? error.message);
  log.error('invocation failed', {
    errorCode: error.code,
    errorMessage: message,
    exitCode,
    ...(problems ? { problems } : {}),
  });
  return {
    runId,
    exitCode,
    error: { code: error.code, message, ...(problems ? { problems } : {}) },
  };
}

export function createHandler(deps: HandlerDeps = {}) {
  return async function handler(event: Buffer, context: FcContext): Promise<HandlerResult> {
    const started = performance.now();
    const env = deps.env ?? process.env;
    const runId = context?.requestId || randomUUID();
    const log = createJsonLogger({
      requestId: runId,
      functionName: context?.function?.name,
      ...(deps.writeLog ? { write: deps.writeLog } : {}),
    });
    try {
      const invocation = parseTimerEvent(event);
      const credentials = credentialsFromContext(context ?? { requestId: runId });
      const policyPath = resolvePolicyPath(
        invocation.policyFile,
        env,
        deps.cwd?.() ?? process.cwd(),
      );
      log.info('invocation', {
        trigger: invocation.triggerName,
        triggerTime: invocation.triggerTime,
        policyFile: policyPath,
      });
      const policy = await loadPolicyFile(policyPath);
      const endpoint = endpointFromEnv(env);
      const pending =
        policy.log.type === 'sls'
          ? new FunctionPendingRecords({
              // /tmp is the only writable place in FC; it lives as long as the instance.
              spool: new RecordSpool(spoolDir(env, '/tmp'), policy.name),
              log,
              policy: policy.name,
              reader: functionLogReader(env, context, credentials, endpoint),
            })
          : undefined;
      const runtime = buildRuntime({
        policy,
        policyPath,
        credentials,
        env,
        ...(pending ? { pendingRecords: () => pending } : {}),
        onNotice: (text) => log.warn(text.trim()),
        // Alerts go to the policy's webhook too; a failed post is a log line, never a failed run.
        onWebhookError: (error) =>
          log.warn('alert webhook failed', {
            errorCode: error instanceof ReplicatorError ? error.code : Code.Unexpected,
            errorMessage: redactSecrets(error instanceof Error ? error.message : String(error)),
          }),
      });
      const sink = await runtime.openSink();
      for (const problem of pending?.problems ?? []) {
        log.warn('pending records could not be read from the function log', {
          errorMessage: problem,
        });
      }
      const coordination = runtime.coordination();
      const summary = await runPolicy({
        policy,
        cloud: runtime.cloud,
        sink,
        runId,
        budgetMs: budgetMs(context, performance.now() - started),
        ...(coordination ? { coordination } : {}),
        onEvent: (runEvent) => {
          if (runEvent.type === 'phase') log.info(`phase ${runEvent.phase}`);
          if (runEvent.type === 'destination-stopped') {
            log.warn('destination stopped', {
              destRegion: runEvent.destRegion,
              errorCode: runEvent.errorCode,
              errorMessage: runEvent.message,
            });
          }
        },
      });
      // Partial failure is a warning (the records carry the detail); an aborted run is an error.
      const level =
        summary.exitCode === ExitCode.Ok
          ? 'info'
          : summary.exitCode === ExitCode.ItemsFailed
            ? 'warn'
            : 'error';
      log[level]('run finished', {
        policy: summary.policy,
        exitCode: summary.exitCode,
        durationMs: summary.durationMs,
        totals: summary.totals,
        apiCalls: summary.apiCalls,
        ...(summary.aborted ? { errorCode: summary.aborted.errorCode } : {}),
        ...(summary.yielded ? { yieldedTo: summary.yielded.runId } : {}),
        ...(summary.recordsPending ? { recordsPending: summary.recordsPending } : {}),
      });
      return summary;
    } catch (error) {
      if (error instanceof ReplicatorError) return failure(runId, error, log);
      const message = error instanceof Error ? error.message : String(error);
      log.error('invocation crashed', { errorMessage: message });
      throw new HandlerError(message, {
        cause: { name: error instanceof Error ? error.name : typeof error },
      });
    }
  };
}

/** `index.handler` in s.yaml. */
export const handler = createHandler();
