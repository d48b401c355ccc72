import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { RunningEmulator } from '../index.ts';

/** The access key a request is signed with (RPC v1 query/form, ACS3 header, SLS `LOG` header). */
export function signingKey(req: IncomingMessage, url: URL, body: Buffer): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const acs3 = /Credential=([^,\s]+)/.exec(auth);
    if (acs3) return acs3[1];
    const log = /^LOG ([^:]+):/.exec(auth);
    if (log) return log[1];
  }
  const fromQuery = url.searchParams.get('AccessKeyId');
  if (fromQuery) return fromQuery;
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return new URLSearchParams(body.toString('utf8')).get('AccessKeyId') ?? undefined;
  }
  return undefined;
}

/** Passes the request to an account's emulator unchanged and its answer back. */
export function proxy(
  target: RunningEmulator,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
): Promise<void> {
  return new Promise((resolve) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', resolve);
      },
    );
    upstream.on('error', () => {
      // The account's emulator cut the connection (an injected reset): cut ours too.
      req.socket.destroy();
      resolve();
    });
    upstream.end(body);
  });
}
