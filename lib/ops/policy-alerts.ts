import type { Policy } from '../policy/schema.ts';
import type { LogSink } from '../ports.ts';
import { withAlertNotifications } from './alert-sink.ts';
import { createWebhookNotifier, type WebhookOptions } from './webhook.ts';
import { resolveWebhookTarget } from './webhook-target.ts';

/**
 * The policy's sink, plus its `alerts.webhook` when one is configured: every alert record
 * written (by the engine or by status) is then also posted there. Entry points (run, serve,
 * status, the FC handler) wrap the sink they hand out with this.
 */
export function withPolicyAlerts(
  policy: Pick<Policy, 'alerts'>,
  sink: LogSink,
  onError: (error: unknown) => void,
  options: WebhookOptions = {},
  /** Where `urlEnv` and `secretEnv` are read: the process's own unless a caller passes one. */
  env: NodeJS.ProcessEnv = process.env,
): LogSink {
  const webhook = policy.alerts.webhook;
  if (webhook === undefined) return sink;
  const target = resolveWebhookTarget(webhook, env);
  return withAlertNotifications(sink, createWebhookNotifier(target, options), onError);
}
