import type { Server } from 'node:http';
import type { EmulatorAdmin } from './admin/admin-api.ts';
import { EmulatorCore } from './emulator-core.ts';
import type { World } from './model/types.ts';
import { DEFAULT_CREDENTIALS } from './protocol/credentials.ts';
import { listen } from './server.ts';
import { SlsService } from './sls/service.ts';

export type { EmulatorAdmin } from './admin/admin-api.ts';
export type { CallCounts, CallFilter, CallLogEntry } from './call-log.ts';
export type { SnapshotRecord } from './model/records.ts';
export type {
  AccountFlags,
  CopyModel,
  KeyState,
  World,
  WorldDisk,
  WorldInstance,
  WorldKmsKey,
  WorldRegion,
  WorldSnapshot,
} from './model/types.ts';
export type { FaultSettings } from './policy/faults.ts';
export type { RamPolicy } from './policy/ram-policy.ts';
export type { CompetitorStats, ThrottleRule, ThrottleStats } from './policy/throttle.ts';
export { ApiError, ERROR_CATALOG } from './protocol/api-error.ts';
export { DEFAULT_CREDENTIALS, type StsCredentials } from './protocol/credentials.ts';
export { demoWorld, emptyWorld, type SyntheticWorldOptions, syntheticWorld } from './world.ts';

export interface EmulatorOptions {
  /** 0 / undefined = ephemeral */
  port?: number;
  /** Persist here (loaded on start if present; then `world` is ignored); undefined = memory only. */
  stateDir?: string;
  /** The world of a fresh cloud; default 'empty'. */
  world?: 'demo' | 'empty' | World;
  /** Virtual clock speed vs real time; default 1. */
  speed?: number;
  /** Virtual clock start; default now. */
  startTime?: Date;
  accountId?: string;
  /** Seed for generated ids and fault draws (reproducible runs); default random. */
  seed?: number;
}

export interface RunningEmulator {
  /** http://127.0.0.1:PORT — the product uses it as DR_REPLICATOR_ENDPOINT */
  url: string;
  port: number;
  /** The pair it accepts. */
  credentials: { accessKeyId: string; accessKeySecret: string };
  /** Same operations as the admin HTTP API, callable directly from tests. */
  admin: EmulatorAdmin;
  /** The Log Service part (direct reads for tests). */
  sls: SlsService;
  stop(): Promise<void>;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** Starts an emulator on 127.0.0.1 (ECS + KMS over RPC, SLS over REST, admin under /_emulator/). */
export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const core = new EmulatorCore({
    world: opts.world ?? 'empty',
    speed: opts.speed ?? 1,
    startTime: opts.startTime ?? new Date(),
    ...(opts.stateDir !== undefined && { stateDir: opts.stateDir }),
    ...(opts.accountId !== undefined && { accountId: opts.accountId }),
    ...(opts.seed !== undefined && { seed: opts.seed }),
  });
  const sls = new SlsService({
    ...(opts.stateDir !== undefined && { stateDir: opts.stateDir }),
    lookupSecret: (accessKeyId) => core.state.credentials.lookupSecret(accessKeyId),
    // Records are stamped on the cloud's clock, so the accepted log-time window follows it;
    // the Date-header check stays on the wall clock the SDK signs with.
    now: () => core.admin.now(),
    authorize: (access) => core.authorizeLog(access),
  });
  const { server, port } = await listen(core, opts.port ?? 0, sls);
  let stopped = false;
  const admin = core.admin;
  const resetAll = admin.reset.bind(admin);
  admin.reset = () => {
    resetAll();
    sls.reset();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    credentials: { ...DEFAULT_CREDENTIALS },
    admin,
    sls,
    async stop() {
      if (stopped) return;
      stopped = true;
      core.shutdown();
      await sls.flush();
      await close(server);
    },
  };
}
