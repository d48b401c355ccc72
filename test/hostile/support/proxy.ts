import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request: answer it itself (true), or forward it (false). */
export type Intercept = (
  req: IncomingMessage,
  params: Record<string, string>,
  body: Buffer,
  res: ServerResponse,
) => boolean;

export interface LoopbackProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of the emulator, standing in for what sits between the replicator
 * and the real endpoints (a gateway that echoes requests, a region whose API hangs).
 */
export async function startProxy(upstream: string, intercept: Intercept): Promise<LoopbackProxy> {
  const target = new URL(upstream);
  const held = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      held.add(res);
      res.on('close', () => held.delete(res));
      if (intercept(req, params, body, res)) return;
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
