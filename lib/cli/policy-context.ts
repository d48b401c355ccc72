import path from 'node:path';
import { createCloudClients, credentialsFromEnv, endpointFromEnv } from '../cloud/clients.ts';
import type { Credentials } from '../cloud/ports.ts';
import { createSink, createStdoutSink } from '../cloud/sinks.ts';
import type { LogSink } from '../engine/records.ts';
import type { CloudClients } from '../engine/types.ts';
import { loadPolicyFile } from '../policy/load.ts';
import type { LogTarget, Policy } from '../policy/schema.ts';
import type { CliIo } from './io.ts';

/**
 * What a command needs to act on a policy: the validated policy, the cloud clients and the
 * means to open its log sink, all configured from the environment the way DESIGN says
 * (ALIBABA_CLOUD_* credentials, DR_REPLICATOR_ENDPOINT to send every service to one emulator).
 * Shared by plan, run, status and serve so they cannot disagree on configuration.
 */
export interface PolicyContext {
  policy: Policy;
  /** Absolute path of the policy file. */
  policyPath: string;
  credentials: Credentials;
  /** The emulator URL when DR_REPLICATOR_ENDPOINT is set. */
  endpoint: string | undefined;
  cloud: CloudClients;
  /** The sink for the policy's log target, or for `target` when a command overrides it. */
  openSink(target?: LogTarget): Promise<LogSink>;
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
  io: Pick<CliIo, 'env' | 'cwd' | 'stdout'>,
  options: PolicyContextOptions = {},
): Promise<PolicyContext> {
  const policyPath = path.resolve(io.cwd, policyFile);
  const policy = await loadPolicyFile(policyPath);
  const credentials = credentialsFromEnv(io.env);
  const endpoint = endpointFromEnv(io.env);
  const cloud = createCloudClients({ credentials, endpoint, timeoutMs: options.timeoutMs });
  return {
    policy,
    policyPath,
    credentials,
    endpoint,
    cloud,
    openSink: async (target = policy.log) =>
      // Through io, not process.stdout: records are data, and tests capture io.
      target.type === 'stdout'
        ? createStdoutSink((text) => io.stdout(text))
        : createSink(target, { credentials, endpoint, baseDir: path.dirname(policyPath) }),
  };
}
