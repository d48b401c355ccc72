import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ApiError } from '../protocol/api-error.ts';

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
  const e =
    error instanceof ApiError
      ? error
      : new ApiError(
          500,
          'InternalError',
          'The request processing has failed due to some unknown error.',
        );
  if (!(error instanceof ApiError)) console.error('emulator: unexpected error', error);
  sendJson(res, e.httpStatus, {
    RequestId: requestId,
    HostId: host,
    Code: e.code,
    Message: e.message,
  });
}
