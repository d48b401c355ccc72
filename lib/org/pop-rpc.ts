import RPCClient from '@alicloud/pop-core';
import { toCloudApiError } from '../cloud/errors.ts';
import type { Credentials } from '../ports.ts';

/** A signed RPC call to a region-less product endpoint (STS, Resource Directory) via pop-core. */
export async function popCall<T>(
  init: {
    credentials: Credentials;
    /** https://sts.aliyuncs.com or the emulator URL. */
    endpoint: string;
    apiVersion: string;
    timeoutMs?: number;
  },
  action: string,
  params: Record<string, string | number>,
): Promise<T> {
  const client = new RPCClient({
    endpoint: init.endpoint.replace(/\/+$/, ''),
    apiVersion: init.apiVersion,
    accessKeyId: init.credentials.accessKeyId,
    accessKeySecret: init.credentials.accessKeySecret,
    ...(init.credentials.securityToken ? { securityToken: init.credentials.securityToken } : {}),
  });
  try {
    return await client.request<T>(action, params, {
      method: 'POST',
      timeout: init.timeoutMs ?? 30_000,
      formatParams: false,
    });
  } catch (error) {
    throw toCloudApiError(error, action, 'global');
  }
}
