import type { CloudState } from './cloud-state.ts';
import type {
  ClientTokenRecord,
  DiskRecord,
  KmsKeyRecord,
  RegionRecord,
  SnapshotRecord,
} from './model/records.ts';
import {
  type AccountFlags,
  type CopyModel,
  DEFAULT_COPY_MODEL,
  type WorldInstance,
} from './model/types.ts';
import type { FaultSettings } from './policy/faults.ts';
import type { RamPolicy } from './policy/ram-policy.ts';
import type { ThrottleRule } from './policy/throttle.ts';
import type { CredentialStore } from './protocol/credentials.ts';
import { StateStore } from './state-store.ts';

/** The state file's content (`emulator-state.json` in the --state folder). */
export interface PersistedState {
  version: 1;
  clock: { virtualMs: number; realMs: number; speed: number };
  model: {
    accountId: string;
    account: AccountFlags;
    copy: CopyModel;
    regions: RegionRecord[];
    instances: WorldInstance[];
    disks: DiskRecord[];
    kmsKeys: KmsKeyRecord[];
    snapshots: SnapshotRecord[];
    clientTokens: [string, ClientTokenRecord][];
  };
  settings: {
    faults: FaultSettings;
    throttles: Record<string, ThrottleRule>;
    ramPolicy: RamPolicy | null;
  };
  sts: ReturnType<CredentialStore['exportSts']>;
}

/**
 * The state folder of one emulator, or none (memory only: every method does nothing). Other
 * processes on the same folder see one cloud: changes are marked dirty and written coalesced,
 * and another process's write is read back before the next request.
 */
export class Persistence {
  private readonly store: StateStore<PersistedState> | undefined;

  constructor(
    private readonly state: CloudState,
    stateDir: string | undefined,
  ) {
    if (stateDir !== undefined) {
      this.store = new StateStore(
        stateDir,
        () => serialize(this.state),
        (s) => deserialize(this.state, s),
      );
    }
  }

  /** Loads the folder's state; false when there is none (memory only or a fresh folder). */
  load(): boolean {
    return this.store?.load() === true;
  }

  /** Picks up another process's write (unless we hold an unsaved change). */
  refresh(): void {
    this.store?.refreshIfChanged();
  }

  /** Something persisted changed: write it soon (coalesced). */
  markDirty(): void {
    this.store?.markDirty();
  }

  /** Writes now (after a world was loaded). */
  writeNow(): void {
    this.store?.writeNow();
  }

  /** Writes pending changes now, if any. */
  flush(): void {
    this.store?.flush();
  }
}

function serialize(state: CloudState): PersistedState {
  const m = state.model;
  return {
    version: 1,
    clock: { virtualMs: state.clock.now(), realMs: Date.now(), speed: state.clock.speed },
    model: {
      accountId: m.accountId,
      account: m.account,
      copy: m.copy,
      regions: [...m.regions.values()],
      instances: [...m.instances.values()],
      disks: [...m.disks.values()],
      kmsKeys: [...m.kmsKeys.values()],
      snapshots: [...m.snapshots.values()],
      clientTokens: [...m.clientTokens],
    },
    settings: {
      faults: state.faults,
      throttles: state.throttler.list(),
      ramPolicy: state.ramPolicy,
    },
    sts: state.credentials.exportSts(),
  };
}

function deserialize(state: CloudState, s: PersistedState): void {
  if (s.version !== 1)
    throw new TypeError(`unsupported emulator state version ${String(s.version)}`);
  // The cloud kept running while no emulator was up: virtual time moved on at the saved speed.
  state.clock.setSpeed(s.clock.speed);
  state.clock.set(s.clock.virtualMs + (Date.now() - s.clock.realMs) * s.clock.speed);
  const m = state.model;
  m.clear();
  m.accountId = s.model.accountId;
  m.account = s.model.account;
  // State written before restores were modelled lacks their defaults.
  m.copy = { ...DEFAULT_COPY_MODEL, ...s.model.copy };
  for (const r of s.model.regions) m.regions.set(r.regionId, r);
  for (const i of s.model.instances) m.instances.set(i.instanceId, i);
  for (const d of s.model.disks) m.addDisk(d);
  for (const k of s.model.kmsKeys) m.kmsKeys.set(k.keyId, k);
  m.addSnapshots(s.model.snapshots);
  for (const [token, rec] of s.model.clientTokens) m.clientTokens.set(token, rec);
  state.faults = s.settings.faults;
  state.ramPolicy = s.settings.ramPolicy;
  state.throttler.reset();
  for (const [key, rule] of Object.entries(s.settings.throttles)) {
    const [api] = key.split('@');
    state.throttler.set(api!, rule);
  }
  state.credentials.importSts(s.sts);
}
