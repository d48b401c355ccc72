import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { SlsApiError, SlsErrors } from './errors.ts';

/** Request and response helpers shared by the SLS API and its admin routes. */

export const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** The project, from the Host header (`{project}.{endpoint}`); an IP host names none. */
export function projectOf(req: IncomingMessage): string {
  const host = headerOf(req, 'host') ?? '';
  const hostname = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const dot = hostname.indexOf('.');
  const project = dot > 0 ? hostname.slice(0, dot) : '';
  if (isIP(hostname) !== 0 || !PROJECT_NAME.test(project)) throw SlsErrors.invalidHost(host);
  return project;
}

export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function remoteAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

export function parseJsonObject(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through
  }
  throw new SlsApiError(400, 'PostBodyInvalid', 'The request body is not valid JSON object.');
}

/** `from` ≤ time < `to`, unix seconds, both required (GetLogs, GetHistograms, admin logs). */
export function timeRange(query: Record<string, string | undefined>): { from: number; to: number } {
  const from = Number(query.from);
  const to = Number(query.to);
  if (query.from === undefined || query.to === undefined || !Number.isInteger(from)) {
    throw SlsErrors.parameterInvalid('from and to (unix seconds) are required');
  }
  if (!Number.isInteger(to) || to < from) {
    throw SlsErrors.parameterInvalid('to must be an integer not before from');
  }
  return { from, to };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
