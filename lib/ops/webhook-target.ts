import { Code } from '../codes.ts';
import { InvalidInputError } from '../errors.ts';
import type { Policy } from '../policy/schema.ts';
import type { WebhookTarget } from './webhook.ts';

type WebhookConfig = NonNullable<Policy['alerts']['webhook']>;

/**
 * A webhook variable the policy names is missing or empty. A configuration error (exit 2):
 * alerting the operator relies on must not be silently off. The message names the variable,
 * never its value.
 */
export class WebhookConfigError extends InvalidInputError {
  constructor(message: string) {
    super(Code.WebhookEnvMissing, message);
  }
}

function fromEnv(env: NodeJS.ProcessEnv, name: string, field: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new WebhookConfigError(
      `alerts.webhook.${field}: environment variable ${name} is not set (FC: environmentVariables in s.yaml)`,
    );
  }
  return value.trim();
}

/**
 * Where alerts are posted: the URL and signing secret from the policy, or from the environment
 * variables it names (`urlEnv`, `secretEnv`), so a deployment keeps them out of the policy file.
 */
export function resolveWebhookTarget(
  webhook: WebhookConfig,
  env: NodeJS.ProcessEnv,
): WebhookTarget {
  const url = webhook.urlEnv === undefined ? webhook.url : fromEnv(env, webhook.urlEnv, 'urlEnv');
  if (url === undefined) throw new WebhookConfigError('alerts.webhook: give url or urlEnv');
  if (webhook.urlEnv !== undefined && !/^https?:\/\/[^\s]+$/i.test(url)) {
    throw new WebhookConfigError(
      `alerts.webhook.urlEnv: environment variable ${webhook.urlEnv} does not hold an http(s) URL`,
    );
  }
  const secret =
    webhook.secretEnv === undefined ? webhook.secret : fromEnv(env, webhook.secretEnv, 'secretEnv');
  return secret === undefined ? { url } : { url, secret };
}
