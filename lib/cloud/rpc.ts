import RPCClient from '@alicloud/pop-core';
import type { Credentials } from '../ports.ts';
import { CALL_TIMEOUT_FLOOR_MS, callTimeLeftMs, TIME_BUDGET_CODE } from './call-deadline.ts';
import { CloudApiError, toCloudApiError } from './errors.ts';
import { registerCredentials } from './secret-values.ts';

/** pop-core's 3 s default is far too short: CopySnapshot may take tens of seconds to answer. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface RpcOptions {
  credentials: Credentials;
  /** Service prefix in the default endpoint: ecs -> https://ecs.<region>.aliyuncs.com. */
  service: 'ecs' | 'kms';
  apiVersion: string;
  /** One URL for every region (the emulator, DR_REPLICATOR_ENDPOINT). */
  endpoint?: string | undefined;
  timeoutMs?: number | undefined;
}

export type RpcParams = Record<string, string | number | boolean | undefined>;

/**
 * Signed RPC calls through pop-core, one client per region (the region picks the endpoint).
 * Undefined parameters are dropped because pop-core would send the string "undefined".
 */
export class RpcCaller {
  readonly #clients = new Map<string, RPCClient>();
  readonly #options: RpcOptions;

  constructor(options: RpcOptions) {
    this.#options = options;
    registerCredentials(options.credentials);
  }

  async call<T>(region: string, action: string, params: RpcParams): Promise<T> {
    const clean: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) clean[key] = value;
    }
    const configured = this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const left = callTimeLeftMs();
    if (left !== undefined && left < CALL_TIMEOUT_FLOOR_MS) {
      throw new CloudApiError({
        code: TIME_BUDGET_CODE,
        message: `${action} in ${region} not sent: the run's time budget is spent`,
        api: action,
        region,
      });
    }
    try {
      return await this.#client(region).request<T>(action, clean, {
        method: 'POST',
        // Never past the run's deadline: a hanging endpoint must not outlast the budget.
        timeout: left === undefined ? configured : Math.min(configured, Math.floor(left)),
        formatParams: false,
      });
    } catch (error) {
      throw toCloudApiError(error, action, region);
    }
  }

  #client(region: string): RPCClient {
    let client = this.#clients.get(region);
    if (!client) {
      const { credentials, service, apiVersion, endpoint } = this.#options;
      client = new RPCClient({
        endpoint: (endpoint ?? `https://${service}.${region}.aliyuncs.com`).replace(/\/+$/, ''),
        apiVersion,
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        ...(credentials.securityToken ? { securityToken: credentials.securityToken } : {}),
      });
      this.#clients.set(region, client);
    }
    return client;
  }
}
