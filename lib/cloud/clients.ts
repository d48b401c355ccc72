import { createHash } from 'node:crypto';
import { Code } from '../codes.ts';
import { InvalidInputError } from '../errors.ts';
import type { CloudClients, Credentials } from '../ports.ts';
import { createEcsApi, ECS_API_VERSION } from './ecs.ts';
import { createKmsApi, KMS_API_VERSION } from './kms.ts';
import { RpcCaller } from './rpc.ts';

export const ENV = {
  AccessKeyId: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
  AccessKeySecret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  SecurityToken: 'ALIBABA_CLOUD_SECURITY_TOKEN',
  Endpoint: 'DR_REPLICATOR_ENDPOINT',
} as const;

export interface CloudClientOptions {
  credentials: Credentials;
  /** Sends every service to one URL (the emulator); default: the public regional endpoints. */
  endpoint?: string | undefined;
  timeoutMs?: number | undefined;
}

export class MissingCredentialsError extends InvalidInputError {
  constructor(missing: string[]) {
    super(Code.MissingCredentials, `missing environment variable(s): ${missing.join(', ')}`);
  }
}

/** The ECS and KMS adapters the engine runs on. */
export function createCloudClients(options: CloudClientOptions): CloudClients {
  const common = {
    credentials: options.credentials,
    endpoint: options.endpoint,
    timeoutMs: options.timeoutMs,
  };
  return {
    ecs: createEcsApi(new RpcCaller({ ...common, service: 'ecs', apiVersion: ECS_API_VERSION })),
    kms: createKmsApi(new RpcCaller({ ...common, service: 'kms', apiVersion: KMS_API_VERSION })),
    quotaKey: quotaKey(options.credentials.accessKeyId, options.endpoint),
  };
}

/**
 * Names the quota a key pair spends without carrying the AccessKeyId itself (it would end up in
 * logs as a map key): one AccessKey belongs to one account, one endpoint to one cloud.
 */
export function quotaKey(accessKeyId: string, endpoint: string | undefined): string {
  return createHash('sha256')
    .update(`${endpoint ?? 'aliyun'}|${accessKeyId}`)
    .digest('hex')
    .slice(0, 16);
}

/** Credentials from ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials {
  const accessKeyId = env[ENV.AccessKeyId];
  const accessKeySecret = env[ENV.AccessKeySecret];
  const missing = [
    ...(accessKeyId ? [] : [ENV.AccessKeyId]),
    ...(accessKeySecret ? [] : [ENV.AccessKeySecret]),
  ];
  if (!accessKeyId || !accessKeySecret) throw new MissingCredentialsError(missing);
  const securityToken = env[ENV.SecurityToken];
  return { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) };
}

/** DR_REPLICATOR_ENDPOINT, if set. */
export function endpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  return env[ENV.Endpoint] || undefined;
}
