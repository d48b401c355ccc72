import path from 'node:path';
import { createCloudClients, credentialsFromEnv, endpointFromEnv } from '../cloud/clients.ts';
import { createSink, createStdoutSink } from '../cloud/sinks.ts';
import { ReplicatorError } from '../errors.ts';
import { withPolicyAlerts } from '../ops/policy-alerts.ts';
import { RecordSpool, spoolDir } from '../ops/record-spool.ts';
import { loadPolicyFile } from '../policy/load.ts';
import type { LogTarget, Policy } from '../policy/schema.ts';
import type { CloudClients, Credentials, LogSink } from '../ports.ts';
import { neutralise } from '../terminal-safe.ts';
import type { CliIo } from './io.ts';
import { withSpool } from './spooled-sink.ts';

/**
 * What a command needs to act on a policy: the validated policy, the cloud clients and the
 * means to open its log sink, all configured from the environment as docs/operations.md describes
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
  /**
   * The sink for the policy's log target, or for `target` when a command overrides it, with
   * the policy's alerts.webhook attached: every entry point that records alerts posts them.
   */
  openSink(target?: LogTarget): Promise<LogSink>;
  /** Attaches the policy's alerts.webhook to a sink a command made itself (once per sink). */
  withAlerts(sink: LogSink): LogSink;
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
  const endpoint = endpointFromEnv(io.env);
  const cloud = createCloudClients({ credentials, endpoint, timeoutMs: options.timeoutMs });
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  // A webhook failure is reported, never fatal: the records in the log store are the truth.
  const onWebhookError = (error: unknown) =>
    stderr(
      `dr-replicator: ${neutralise(policy.name)}: alert webhook: ${neutralise(describeError(error))}\n`,
    );
  const withAlerts = (sink: LogSink) => withPolicyAlerts(policy, sink, onWebhookError, {}, io.env);
  return {
    policy,
    policyPath,
    credentials,
    endpoint,
    cloud,
    withAlerts,
    openSink: async (target = policy.log) => {
      // Through io, not process.stdout: records are data, and tests capture io.
      if (target.type === 'stdout') return withAlerts(createStdoutSink((text) => io.stdout(text)));
      const open = (onDropped?: (records: Record<string, string>[]) => void) =>
        createSink(target, {
          credentials,
          endpoint,
          baseDir: path.dirname(policyPath),
          // Records SLS would not take go to stderr as JSON lines rather than nowhere.
          onDropped: (records) => {
            for (const record of records) {
              stderr(`dr-replicator: record not written to SLS: ${JSON.stringify(record)}\n`);
            }
            onDropped?.(records);
          },
        });
      if (target.type !== 'sls') return withAlerts(await open());
      const spool = new RecordSpool(spoolDir(io.env), policy.name);
      return withAlerts(await withSpool(open, spool, (text) => stderr(`dr-replicator: ${text}`)));
    },
  };
}

/** Code and message; webhook errors name the endpoint without its query (the token). */
function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return error instanceof ReplicatorError ? `${error.code}: ${text}` : text;
}
