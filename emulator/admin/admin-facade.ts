import type { CallCounts, CallFilter, CallLogEntry } from '../call-log.ts';
import type { VirtualClock } from '../clock.ts';
import type { CloudState } from '../cloud-state.ts';
import { type CloudModel, progressAt } from '../model/cloud-model.ts';
import type { DiskRecord, SnapshotRecord } from '../model/records.ts';
import type { AccountFlags, CopyModel, KeyState, World } from '../model/types.ts';
import type { Persistence } from '../persistence.ts';
import { type FaultSettings, validateFaults } from '../policy/faults.ts';
import { parseRamPolicy, type RamPolicy } from '../policy/ram-policy.ts';
import type { ThrottleRule, ThrottleStats } from '../policy/throttle.ts';
import type { CredentialStore, StsCredentials } from '../protocol/credentials.ts';
import type { EmulatorAdmin } from './admin-api.ts';

/**
 * The operations behind `emulator.admin.*` and the /_emulator/ HTTP routes: each changes the
 * cloud state and marks it for writing, or reads it (after picking up another process's write).
 */
export class AdminFacade implements EmulatorAdmin {
  readonly model: CloudModel;
  readonly clock: VirtualClock;
  readonly credentials: CredentialStore;

  constructor(
    private readonly state: CloudState,
    private readonly persistence: Persistence,
    /** The startup world: what reset() returns to. */
    private readonly baseWorld: 'demo' | 'empty' | World,
  ) {
    this.model = state.model;
    this.clock = state.clock;
    this.credentials = state.credentials;
  }

  loadWorld(world: 'demo' | 'empty' | World): void {
    this.state.applyWorld(world);
    this.persistence.writeNow();
  }

  advanceClock(seconds: number): Date {
    this.clock.advance(seconds);
    const now = this.clock.now();
    this.model.settle(now);
    // The clock itself is state: other processes on the folder follow it.
    this.persistence.markDirty();
    return new Date(now);
  }

  now(): Date {
    return new Date(this.clock.now());
  }

  setSpeed(speed: number): void {
    this.clock.setSpeed(speed);
    this.persistence.markDirty();
  }

  setFaults(faults: FaultSettings): void {
    this.state.faults = validateFaults(faults);
    this.persistence.markDirty();
  }

  getFaults(): FaultSettings {
    return { ...this.state.faults };
  }

  setThrottle(api: string, rule: ThrottleRule): void {
    this.state.throttler.set(api, rule);
    this.persistence.markDirty();
  }

  clearThrottle(api: string, region?: string): void {
    this.state.throttler.clear(api, region);
    this.persistence.markDirty();
  }

  throttles(): Record<string, ThrottleRule> {
    return this.state.throttler.list();
  }

  throttleStats(): Record<string, ThrottleStats> {
    return this.state.throttler.stats(this.clock.now());
  }

  setQuota(region: string, maxSnapshots: number | null): void {
    const r = this.model.regions.get(region);
    if (r === undefined) throw new RangeError(`unknown region ${region}`);
    if (maxSnapshots === null) delete r.snapshotQuota;
    else {
      if (!(Number.isInteger(maxSnapshots) && maxSnapshots >= 0)) {
        throw new RangeError('maxSnapshots must be an integer >= 0');
      }
      r.snapshotQuota = maxSnapshots;
    }
    this.persistence.markDirty();
  }

  setAccount(flags: Partial<AccountFlags>): void {
    this.model.account = { ...this.model.account, ...flags };
    this.persistence.markDirty();
  }

  account(): AccountFlags {
    return { ...this.model.account };
  }

  setCopyModel(model: Partial<CopyModel>): void {
    this.model.copy = { ...this.model.copy, ...model };
    this.persistence.markDirty();
  }

  setRamPolicy(policy: RamPolicy | null): void {
    this.state.ramPolicy = policy === null ? null : parseRamPolicy(policy);
    this.persistence.markDirty();
  }

  issueStsCredentials(ttlSeconds?: number): StsCredentials {
    const creds = this.credentials.issueSts(
      ttlSeconds === undefined ? undefined : ttlSeconds * 1000,
    );
    this.persistence.markDirty();
    return creds;
  }

  setKeyState(region: string, keyId: string, state: KeyState): void {
    const key = this.model.findKey(region, keyId);
    if (key === undefined) throw new RangeError(`no KMS key ${keyId} in ${region}`);
    key.state = state;
    if (state === 'PendingDeletion') key.deleteDate = this.clock.now() + 7 * 86_400_000;
    else delete key.deleteDate;
    this.persistence.markDirty();
  }

  calls(filter?: CallFilter): CallLogEntry[] {
    return this.state.log.list(filter);
  }

  callCounts(): CallCounts {
    return this.state.log.totals();
  }

  snapshots(region?: string): SnapshotRecord[] {
    this.persistence.refresh();
    const now = this.clock.now();
    this.model.settle(now);
    const list =
      region === undefined
        ? [...this.model.snapshots.values()]
        : this.model.regionSnapshots(region);
    return list.map((s) => ({ ...s, progress: progressAt(s, now), tags: { ...s.tags } }));
  }

  disks(region?: string): DiskRecord[] {
    this.persistence.refresh();
    this.model.settle(this.clock.now());
    return [...this.model.disks.values()]
      .filter((d) => region === undefined || d.regionId === region)
      .map((d) => ({ ...d, tags: { ...d.tags }, status: this.model.diskStatus(d) }));
  }

  reset(): void {
    this.state.faults = {};
    this.state.ramPolicy = null;
    this.state.throttler.reset();
    this.state.log.clear();
    this.state.applyWorld(this.baseWorld);
    this.persistence.writeNow();
  }

  flush(): void {
    this.persistence.flush();
  }
}
