import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { toApiError } from '../protocol/api-error.ts';
import { sendJson } from '../protocol/json-response.ts';

/** RPC error envelope of a region-less product (STS, Resource Directory). */
export function sendRpcError(res: ServerResponse, error: unknown, host: string): void {
  const requestId = randomUUID().toUpperCase();
  const e = toApiError(error);
  sendJson(res, e.httpStatus, {
    RequestId: requestId,
    HostId: host,
    Code: e.code,
    Message: e.message,
  });
}
