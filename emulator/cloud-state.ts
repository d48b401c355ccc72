import { CallLog } from './call-log.ts';
import { VirtualClock } from './clock.ts';
import { CloudModel } from './model/cloud-model.ts';
import { seededRandom } from './model/ids.ts';
import type { World } from './model/types.ts';
import type { FaultSettings } from './policy/faults.ts';
import type { RamPolicy } from './policy/ram-policy.ts';
import { Throttler } from './policy/throttle.ts';
import { CredentialStore } from './protocol/credentials.ts';
import { demoWorld, emptyWorld } from './world.ts';

export interface CloudStateOptions {
  speed: number;
  startTime: Date;
  /** Replaces the world's account id (so several emulators can be distinct accounts). */
  accountId?: string;
  /** Seed for ids and fault draws; default random. */
  seed?: number;
}

/**
 * Everything one emulated cloud holds: what the RPC pipeline acts on, the admin facade
 * changes and persistence writes. Shared by those three so none of them owns the others.
 */
export class CloudState {
  readonly model = new CloudModel();
  readonly clock: VirtualClock;
  readonly credentials = new CredentialStore();
  readonly throttler = new Throttler();
  readonly log = new CallLog();
  readonly random: () => number;
  faults: FaultSettings = {};
  ramPolicy: RamPolicy | null = null;
  private readonly accountId: string | undefined;

  constructor(opts: CloudStateOptions) {
    this.clock = new VirtualClock(opts.startTime.getTime(), opts.speed);
    this.random = opts.seed === undefined ? Math.random : seededRandom(opts.seed);
    this.accountId = opts.accountId;
  }

  /** Replaces the model with a world ('demo' is built at the current virtual time). */
  applyWorld(world: 'demo' | 'empty' | World): void {
    const resolved = resolveWorld(world, new Date(this.clock.now()));
    this.model.loadWorld(resolved, this.clock.now());
    if (this.accountId !== undefined) this.model.accountId = this.accountId;
  }
}

function resolveWorld(world: 'demo' | 'empty' | World, now: Date): World {
  if (world === 'demo') return demoWorld(now);
  if (world === 'empty') return emptyWorld();
  return world;
}
