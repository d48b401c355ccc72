import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_PREFIX, handleAdmin } from './admin/routes.ts';
import type { EmulatorCore } from './emulator-core.ts';

const MAX_BODY = 16 * 1024 * 1024;

/** A service that claims some requests before RPC dispatch (the SLS REST API). */
export interface ClaimingService {
  isSlsRequest(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new RangeError('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the HTTP server on 127.0.0.1 and routes: SLS, then /_emulator/ admin, then RPC. */
export async function listen(
  core: EmulatorCore,
  port: number,
  sls: ClaimingService | undefined,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (sls?.isSlsRequest(req)) return sls.handle(req, res, body);
        if (url.pathname.startsWith(ADMIN_PREFIX))
          return handleAdmin(core.admin, req, res, url, body);
        return core.handleRpc(req, res, url, body);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json;charset=utf-8' });
          res.end(JSON.stringify({ Code: 'InternalError', Message: String(error) }));
        }
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
