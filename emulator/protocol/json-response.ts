import type { ServerResponse } from 'node:http';

/** A JSON answer as the RPC side and the admin API send it (UTF-8, with its length). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
