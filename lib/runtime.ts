import path from 'node:path';
import { createCloudClients, endpointFromEnv } from './cloud/clients.ts';
import { createClaimStore, createSink, createStdoutSink } from './cloud/sinks.ts';
import { type CoordinationOptions, settleFromEnv } from './engine/coordination.ts';
import { withPolicyAlerts } from './ops/policy-alerts.ts';
import type { LogTarget, Policy } from './policy/schema.ts';
import type { CloudClients, Credentials, LogSink } from './ports.ts';
import { type PendingRecords, withSpool } from './records/spooled-sink.ts';

/**
 * What a policy run needs around the engine, wired once for every entry point (the CLI's
 * lib/cli/policy-context.ts and the FC handler functions/replicate/index.ts): the cloud
 * clients, the records sink with pending records and the policy's alert webhook around it, and
 * the claim store runs coordinate through. The entry points differ only in the options.
 */
export interface Runtime {
  policy: Policy;
  credentials: Credentials;
  /** The emulator URL when DR_REPLICATOR_ENDPOINT is set. */
  endpoint: string | undefined;
  cloud: CloudClients;
  /**
   * The sink for the policy's log target, or for `target` when a command overrides it, with
   * the policy's alerts.webhook attached: every entry point that records alerts posts them.
   */
  openSink(target?: LogTarget): Promise<LogSink>;
  /** Attaches the policy's alerts.webhook to a sink a caller made itself (once per sink). */
  withAlerts(sink: LogSink): LogSink;
  /**
   * The run lease and quota share through the policy's SLS logstore (with the settle time from
   * the environment); undefined for log targets no other deployment reads. Made on each call.
   */
  coordination(): CoordinationOptions | undefined;
}

export interface RuntimeOptions {
  policy: Policy;
  /** Absolute path of the policy file: a relative `log.path` resolves beside it. */
  policyPath: string;
  credentials: Credentials;
  /** DR_REPLICATOR_ENDPOINT, the webhook's urlEnv/secretEnv and the settle time are read here. */
  env: NodeJS.ProcessEnv;
  /** Per-request timeout for cloud calls; the adapters' default otherwise. */
  timeoutMs?: number | undefined;
  /** Where a `stdout` log target writes; process.stdout otherwise. */
  stdout?: ((text: string) => unknown) | undefined;
  /**
   * Where records an SLS sink could not write are kept for the next run to resend (the CLI's
   * local spool; in FC, /tmp and the function log). Asked once per SLS sink opened.
   */
  pendingRecords?: (() => PendingRecords) | undefined;
  /** Told the contents of records SLS dropped, before they are kept. */
  onDropped?: ((records: Record<string, string>[]) => void) | undefined;
  /** Messages about pending records (resent, kept). */
  onNotice: (text: string) => void;
  /** A webhook failure is reported, never fatal: the records in the log store are the truth. */
  onWebhookError: (error: unknown) => void;
}

export function buildRuntime(options: RuntimeOptions): Runtime {
  const { policy, credentials, env } = options;
  const endpoint = endpointFromEnv(env);
  const cloud = createCloudClients({ credentials, endpoint, timeoutMs: options.timeoutMs });
  const withAlerts = (sink: LogSink) =>
    withPolicyAlerts(policy, sink, options.onWebhookError, {}, env);
  return {
    policy,
    credentials,
    endpoint,
    cloud,
    withAlerts,
    openSink: async (target = policy.log) => {
      if (target.type === 'stdout' && options.stdout !== undefined) {
        return withAlerts(createStdoutSink(options.stdout));
      }
      const open = (onDropped?: (records: Record<string, string>[]) => void) =>
        createSink(target, {
          credentials,
          endpoint,
          baseDir: path.dirname(options.policyPath),
          ...(options.onDropped || onDropped
            ? {
                onDropped: (records: Record<string, string>[]) => {
                  options.onDropped?.(records);
                  onDropped?.(records);
                },
              }
            : {}),
        });
      const pending = target.type === 'sls' ? options.pendingRecords?.() : undefined;
      if (pending === undefined) return withAlerts(await open());
      return withAlerts(await withSpool(open, pending, options.onNotice));
    },
    coordination: () => {
      const store = createClaimStore(policy.log, { credentials, endpoint });
      return store ? { store, ...settleFromEnv(env) } : undefined;
    },
  };
}
