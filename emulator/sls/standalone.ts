import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlsService, type SlsServiceOptions } from './service.ts';

export interface StandaloneSls {
  service: SlsService;
  /** http://127.0.0.1:PORT, the form DR_REPLICATOR_ENDPOINT takes. */
  endpoint: string;
  /** Every SLS request served, in order (method and path without the query). */
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

/**
 * SlsService alone on an ephemeral 127.0.0.1 port: for SLS-only tests and tools. The full
 * emulator mounts the same service next to ECS and KMS.
 */
export async function startSlsServer(opts: SlsServiceOptions): Promise<StandaloneSls> {
  const service = new SlsService(opts);
  const requests: StandaloneSls['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (!service.isSlsRequest(req)) {
        res.writeHead(404).end();
        return;
      }
      requests.push({ method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]! });
      service.handle(req, res, Buffer.concat(chunks)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    service,
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
