import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyState } from '../model/types.ts';
import type { FaultSettings } from '../policy/faults.ts';
import type { RamPolicy } from '../policy/ram-policy.ts';
import type { ThrottleRule } from '../policy/throttle.ts';
import { sendJson } from '../protocol/json-response.ts';
import { parseWorld } from '../world-schema.ts';
import type { AdminFacade } from './admin-facade.ts';

export const ADMIN_PREFIX = '/_emulator/';

function parseBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const v: unknown = JSON.parse(body.toString('utf8'));
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new TypeError('request body must be a JSON object');
  }
  return v as Record<string, unknown>;
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '')
    throw new TypeError(`"${name}" must be a non-empty string`);
  return v;
}

function num(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new TypeError(`"${name}" must be a number`);
  return v;
}

type Route = (admin: AdminFacade, body: Record<string, unknown>, url: URL) => unknown;

/** Admin routes: JSON in, JSON out, no authentication (the server binds 127.0.0.1 only). */
const ROUTES: Record<string, Route> = {
  'GET health': (admin) => ({ ok: true, now: admin.now().toISOString() }),
  'GET clock': (admin) => ({ now: admin.now().toISOString(), speed: admin.clock.speed }),
  'POST clock/advance': (admin, b) => ({
    now: admin.advanceClock(num(b.seconds, 'seconds')).toISOString(),
  }),
  'POST clock/speed': (admin, b) => {
    admin.setSpeed(num(b.speed, 'speed'));
    return { now: admin.now().toISOString(), speed: admin.clock.speed };
  },
  'POST world': (admin, b) => {
    const world = b.world;
    if (world !== 'demo' && world !== 'empty' && (typeof world !== 'object' || world === null)) {
      throw new TypeError('"world" must be "demo", "empty" or a world object');
    }
    admin.loadWorld(typeof world === 'string' ? world : parseWorld(world));
    return { snapshots: admin.model.snapshots.size };
  },
  'GET faults': (admin) => admin.getFaults(),
  'POST faults': (admin, b) => {
    admin.setFaults(b as FaultSettings);
    return admin.getFaults();
  },
  'GET throttles': (admin) => admin.throttles(),
  'POST throttles': (admin, b) => {
    const { api, ...rule } = b;
    admin.setThrottle(str(api, 'api'), rule as unknown as ThrottleRule);
    return admin.throttles();
  },
  'GET throttles/stats': (admin) => admin.throttleStats(),
  'DELETE throttles': (admin, b) => {
    admin.clearThrottle(
      str(b.api, 'api'),
      b.region === undefined ? undefined : str(b.region, 'region'),
    );
    return admin.throttles();
  },
  'POST quotas': (admin, b) => {
    const max = b.maxSnapshots === null ? null : num(b.maxSnapshots, 'maxSnapshots');
    admin.setQuota(str(b.region, 'region'), max);
    return { region: b.region, maxSnapshots: max };
  },
  'GET account': (admin) => admin.account(),
  'POST account': (admin, b) => {
    admin.setAccount(b as Record<string, boolean>);
    return admin.account();
  },
  'POST copy-model': (admin, b) => {
    admin.setCopyModel(b as Record<string, number>);
    return admin.model.copy;
  },
  'PUT ram-policy': (admin, b) => {
    // Either {"policy": {...} | null} or the policy document itself (curl -d @policy.json).
    const policy = (Array.isArray(b.Statement) ? b : (b.policy ?? null)) as RamPolicy | null;
    admin.setRamPolicy(policy);
    return { policy };
  },
  'POST sts': (admin) => admin.issueStsCredentials(),
  'POST kms/key-state': (admin, b) => {
    admin.setKeyState(
      str(b.region, 'region'),
      str(b.keyId, 'keyId'),
      str(b.state, 'state') as KeyState,
    );
    return { ok: true };
  },
  'GET calls': (admin, _b, url) => {
    const q = url.searchParams;
    return admin.calls({
      ...(q.has('action') && { action: q.get('action')! }),
      ...(q.has('region') && { region: q.get('region')! }),
      ...(q.has('since') && { since: q.get('since')! }),
    });
  },
  'GET calls/counts': (admin) => admin.callCounts(),
  'GET snapshots': (admin, _b, url) => {
    const region = url.searchParams.get('region');
    return admin.snapshots(region ?? undefined);
  },
  'GET disks': (admin, _b, url) => {
    const region = url.searchParams.get('region');
    return admin.disks(region ?? undefined);
  },
  'POST reset': (admin) => {
    admin.reset();
    return { ok: true };
  },
};

/** Serves /_emulator/...; unknown routes are 404, bad input 400 with {error}. */
export function handleAdmin(
  admin: AdminFacade,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): void {
  const path = url.pathname.slice(ADMIN_PREFIX.length).replace(/\/$/, '');
  const route = ROUTES[`${req.method ?? 'GET'} ${path}`];
  if (route === undefined) {
    sendJson(res, 404, { error: `no admin route ${req.method} ${url.pathname}` });
    return;
  }
  try {
    sendJson(res, 200, route(admin, parseBody(body), url));
  } catch (error) {
    sendJson(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}
