import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from '../emulator-core.ts';
import type { KeyState } from '../model/types.ts';
import type { FaultSettings } from '../policy/faults.ts';
import type { RamPolicy } from '../policy/ram-policy.ts';
import type { ThrottleRule } from '../policy/throttle.ts';
import { parseWorld } from '../world-schema.ts';

export const ADMIN_PREFIX = '/_emulator/';

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

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

type Route = (core: EmulatorCore, body: Record<string, unknown>, url: URL) => unknown;

/** Admin routes: JSON in, JSON out, no authentication (the server binds 127.0.0.1 only). */
const ROUTES: Record<string, Route> = {
  'GET health': (core) => ({ ok: true, now: core.now().toISOString() }),
  'GET clock': (core) => ({ now: core.now().toISOString(), speed: core.clock.speed }),
  'POST clock/advance': (core, b) => ({
    now: core.advanceClock(num(b.seconds, 'seconds')).toISOString(),
  }),
  'POST clock/speed': (core, b) => {
    core.setSpeed(num(b.speed, 'speed'));
    return { now: core.now().toISOString(), speed: core.clock.speed };
  },
  'POST world': (core, b) => {
    const world = b.world;
    if (world !== 'demo' && world !== 'empty' && (typeof world !== 'object' || world === null)) {
      throw new TypeError('"world" must be "demo", "empty" or a world object');
    }
    core.loadWorld(typeof world === 'string' ? world : parseWorld(world));
    return { snapshots: core.model.snapshots.size };
  },
  'GET faults': (core) => core.getFaults(),
  'POST faults': (core, b) => {
    core.setFaults(b as FaultSettings);
    return core.getFaults();
  },
  'GET throttles': (core) => core.throttles(),
  'POST throttles': (core, b) => {
    const { api, ...rule } = b;
    core.setThrottle(str(api, 'api'), rule as unknown as ThrottleRule);
    return core.throttles();
  },
  'GET throttles/stats': (core) => core.throttleStats(),
  'DELETE throttles': (core, b) => {
    core.clearThrottle(
      str(b.api, 'api'),
      b.region === undefined ? undefined : str(b.region, 'region'),
    );
    return core.throttles();
  },
  'POST quotas': (core, b) => {
    const max = b.maxSnapshots === null ? null : num(b.maxSnapshots, 'maxSnapshots');
    core.setQuota(str(b.region, 'region'), max);
    return { region: b.region, maxSnapshots: max };
  },
  'GET account': (core) => core.account(),
  'POST account': (core, b) => {
    core.setAccount(b as Record<string, boolean>);
    return core.account();
  },
  'POST copy-model': (core, b) => {
    core.setCopyModel(b as Record<string, number>);
    return core.model.copy;
  },
  'PUT ram-policy': (core, b) => {
    // Either {"policy": {...} | null} or the policy document itself (curl -d @policy.json).
    const policy = (Array.isArray(b.Statement) ? b : (b.policy ?? null)) as RamPolicy | null;
    core.setRamPolicy(policy);
    return { policy };
  },
  'POST sts': (core) => core.issueStsCredentials(),
  'POST kms/key-state': (core, b) => {
    core.setKeyState(
      str(b.region, 'region'),
      str(b.keyId, 'keyId'),
      str(b.state, 'state') as KeyState,
    );
    return { ok: true };
  },
  'GET calls': (core, _b, url) => {
    const q = url.searchParams;
    return core.calls({
      ...(q.has('action') && { action: q.get('action')! }),
      ...(q.has('region') && { region: q.get('region')! }),
      ...(q.has('since') && { since: q.get('since')! }),
    });
  },
  'GET snapshots': (core, _b, url) => {
    const region = url.searchParams.get('region');
    return core.snapshots(region ?? undefined);
  },
  'GET disks': (core, _b, url) => {
    const region = url.searchParams.get('region');
    return core.disks(region ?? undefined);
  },
  'POST reset': (core) => {
    core.reset();
    return { ok: true };
  },
};

/** Serves /_emulator/...; unknown routes are 404, bad input 400 with {error}. */
export function handleAdmin(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): void {
  const path = url.pathname.slice(ADMIN_PREFIX.length).replace(/\/$/, '');
  const route = ROUTES[`${req.method ?? 'GET'} ${path}`];
  if (route === undefined) {
    json(res, 404, { error: `no admin route ${req.method} ${url.pathname}` });
    return;
  }
  try {
    json(res, 200, route(core, parseBody(body), url));
  } catch (error) {
    json(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}
