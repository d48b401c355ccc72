import { Readable } from 'node:stream';
import Fc3, { InvokeFunctionHeaders, InvokeFunctionRequest } from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { CloudApiError } from '../cloud/errors.ts';
import type { Credentials, InvokePort } from '../ports.ts';

/** The SDK is CommonJS with the class under `default`; esbuild, tsc and tsx disagree on unwrapping. */
function cjsDefault<T>(imported: unknown): T {
  let value = imported as { default?: unknown } | undefined;
  while (typeof value !== 'function' && value?.default !== undefined) {
    value = value.default as { default?: unknown };
  }
  return value as T;
}

const FcClient = cjsDefault<typeof Fc3.default>(Fc3);
type FcClient = InstanceType<typeof FcClient>;

/**
 * The invoke port on @alicloud/fc20230330, the FC 3.0 SDK (docs/operations.md#organisation
 * explains why not @alicloud/fc2). Default endpoint: {account}.{region}.fc.aliyuncs.com, the
 * invoke endpoint devsapp/fc3 uses too.
 */
export function createFc3Invoker(init: {
  credentials: Credentials;
  accountId: string;
  region: string;
  /** http://127.0.0.1:PORT (the emulator); default the public invoke endpoint. */
  endpoint?: string | undefined;
}): InvokePort {
  const url = init.endpoint === undefined ? undefined : new URL(init.endpoint);
  const client = new FcClient(
    new $OpenApiUtil.Config({
      accessKeyId: init.credentials.accessKeyId,
      accessKeySecret: init.credentials.accessKeySecret,
      ...(init.credentials.securityToken ? { securityToken: init.credentials.securityToken } : {}),
      endpoint: url?.host ?? `${init.accountId}.${init.region}.fc.aliyuncs.com`,
      protocol: url?.protocol.replace(':', '') ?? 'https',
      regionId: init.region,
      readTimeout: 30_000,
      connectTimeout: 5_000,
    }),
  );
  return {
    async invokeAsync({ functionName, payload, taskId }) {
      try {
        const res = await client.invokeFunctionWithOptions(
          functionName,
          new InvokeFunctionRequest({ body: Readable.from(Buffer.from(payload, 'utf8')) }),
          new InvokeFunctionHeaders({ xFcInvocationType: 'Async', xFcAsyncTaskId: taskId }),
          {} as Parameters<FcClient['invokeFunctionWithOptions']>[3],
        );
        return { status: 'accepted', requestId: res.headers?.['x-fc-request-id'] ?? '' };
      } catch (error) {
        const e = error as { statusCode?: number; code?: string; message?: string; data?: unknown };
        const requestId = (e.data as { RequestId?: string } | undefined)?.RequestId ?? '';
        if (e.statusCode === 409) return { status: 'duplicate', requestId };
        throw new CloudApiError({
          code: e.code ?? 'InvokeFailed',
          message: e.message ?? String(error),
          api: 'InvokeFunction',
          region: init.region,
          httpStatus: e.statusCode,
          requestId,
          cause: error,
        });
      }
    },
  };
}
