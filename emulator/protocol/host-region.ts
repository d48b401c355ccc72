import type { IncomingMessage } from 'node:http';

/**
 * RPC endpoints that name a region: `ecs.<region>.aliyuncs.com`, `ecs-vpc.<region>.aliyuncs.com`
 * (endpoint page of ECS), the legacy `ecs-<region>.aliyuncs.com` (Go SDK endpoint map) and
 * `kms.<region>.aliyuncs.com` / `kms-vpc.<region>.aliyuncs.com` (KMS endpoints). Group 1 is the
 * product, group 2 or 3 the region; a port is ignored.
 */
const REGIONAL_RPC_HOST =
  /^(ecs|kms)(?:-vpc)?\.([a-z]+(?:-[a-z0-9]+)+)\.aliyuncs\.com(?::\d+)?$|^(ecs)-([a-z]+(?:-[a-z0-9]+)+)\.aliyuncs\.com(?::\d+)?$/;

/**
 * The region a client addressed through the Host header, for the product it called; undefined
 * for the emulator's own endpoint (`127.0.0.1:PORT`), a central endpoint (`ecs.aliyuncs.com`) or
 * another product's host. Real clients route by endpoint and may leave RegionId out (KMS does).
 */
export function regionOfRpcHost(req: IncomingMessage, product: string): string | undefined {
  const raw = req.headers.host;
  const host = ((Array.isArray(raw) ? raw[0] : raw) ?? '').toLowerCase();
  const m = REGIONAL_RPC_HOST.exec(host);
  if (m === null) return undefined;
  const hostProduct = m[1] ?? m[3];
  const region = m[2] ?? m[4];
  return hostProduct === product ? region : undefined;
}
