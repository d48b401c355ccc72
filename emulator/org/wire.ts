import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { toApiError } from '../protocol/api-error.ts';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

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
