import path from 'node:path';
import { credentialsFromEnv } from '../cloud/clients.ts';
import { ReplicatorError } from '../errors.ts';
import { loadPolicyFile } from '../policy/load.ts';
import { RecordSpool, spoolDir } from '../records/spool.ts';
import { buildRuntime, type Runtime } from '../runtime.ts';
import { neutralise } from '../terminal-safe.ts';
import type { CliIo } from './io.ts';

/**
 * What a command needs to act on a policy: the validated policy and its runtime (lib/runtime.ts:
 * cloud clients, sink, claims), all configured from the environment as docs/operations.md
 * describes (ALIBABA_CLOUD_* credentials, DR_REPLICATOR_ENDPOINT to send every service to one
 * emulator). Shared by plan, run, status and serve so they cannot disagree on configuration.
 */
export interface PolicyContext extends Runtime {
  /** Absolute path of the policy file. */
  policyPath: string;
}

export interface PolicyContextOptions {
  /** Per-request timeout for cloud calls; the adapters' default otherwise. */
  timeoutMs?: number;
}

/**
 * Loads and validates the policy first (its problems are the likelier mistake and need no
 * credentials), then reads the credentials: a missing variable is an InvalidInputError (exit 2)
 * that names it.
 */
export async function openPolicyContext(
  policyFile: string,
  io: Pick<CliIo, 'env' | 'cwd' | 'stdout'> & Partial<Pick<CliIo, 'stderr'>>,
  options: PolicyContextOptions = {},
): Promise<PolicyContext> {
  const policyPath = path.resolve(io.cwd, policyFile);
  const policy = await loadPolicyFile(policyPath);
  const credentials = credentialsFromEnv(io.env);
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  const runtime = buildRuntime({
    policy,
    policyPath,
    credentials,
    env: io.env,
    timeoutMs: options.timeoutMs,
    // Through io, not process.stdout: records are data, and tests capture io.
    stdout: (text) => io.stdout(text),
    // The local spool (DR_REPLICATOR_SPOOL_DIR or the state folder) keeps what SLS refused.
    pendingRecords: () => new RecordSpool(spoolDir(io.env), policy.name),
    // Records SLS would not take go to stderr as JSON lines rather than nowhere.
    onDropped: (records) => {
      for (const record of records) {
        stderr(`dr-replicator: record not written to SLS: ${JSON.stringify(record)}\n`);
      }
    },
    onNotice: (text) => stderr(`dr-replicator: ${text}`),
    onWebhookError: (error) =>
      stderr(
        `dr-replicator: ${neutralise(policy.name)}: alert webhook: ${neutralise(describeError(error))}\n`,
      ),
  });
  return { ...runtime, policyPath };
}

/** Code and message; webhook errors name the endpoint without its query (the token). */
function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return error instanceof ReplicatorError ? `${error.code}: ${text}` : text;
}
