import type { CallCounts, CallFilter, CallLogEntry } from '../call-log.ts';
import type { DiskRecord, SnapshotRecord } from '../model/records.ts';
import type { AccountFlags, CopyModel, KeyState, World } from '../model/types.ts';
import type { FaultSettings } from '../policy/faults.ts';
import type { RamPolicy } from '../policy/ram-policy.ts';
import type { ThrottleRule, ThrottleStats } from '../policy/throttle.ts';
import type { StsCredentials } from '../protocol/credentials.ts';

/**
 * What tests (in process) and operators (over /_emulator/ HTTP) can do to the emulated cloud.
 * Every method has an HTTP route; see emulator/README.md.
 */
export interface EmulatorAdmin {
  /** Replaces the cloud (reset() still returns to the startup world). */
  loadWorld(world: 'demo' | 'empty' | World): void;
  /** Moves virtual time forward; returns the new virtual now. */
  advanceClock(seconds: number): Date;
  now(): Date;
  setSpeed(speed: number): void;
  /** Replaces the fault settings ({} = no faults). */
  setFaults(faults: FaultSettings): void;
  setThrottle(api: string, rule: ThrottleRule): void;
  clearThrottle(api: string, region?: string): void;
  /** Per throttle bucket, settled to now: tokens left, what the competitor got and was refused. */
  throttleStats(): Record<string, ThrottleStats>;
  /** Maximum snapshots in a region; null removes the quota. */
  setQuota(region: string, maxSnapshots: number | null): void;
  setAccount(flags: Partial<AccountFlags>): void;
  setCopyModel(model: Partial<CopyModel>): void;
  setRamPolicy(policy: RamPolicy | null): void;
  /** `ttlSeconds`: how long the pair works (default 3600). */
  issueStsCredentials(ttlSeconds?: number): StsCredentials;
  setKeyState(region: string, keyId: string, state: KeyState): void;
  calls(filter?: CallFilter): CallLogEntry[];
  /** Exact call counts since start or reset (calls() keeps only the newest 100,000–200,000). */
  callCounts(): CallCounts;
  /** Model snapshots (copies of the records; times are virtual epoch ms). */
  snapshots(region?: string): SnapshotRecord[];
  /** Model disks, world disks and those CreateDisk made (copies; times are virtual epoch ms). */
  disks(region?: string): DiskRecord[];
  /** Back to the startup world with default settings; clears the call log, tokens and SLS. */
  reset(): void;
  /** Writes pending state to --state now. */
  flush(): void;
}
