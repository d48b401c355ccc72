import { CompletionQueue } from './completion-queue.ts';
import {
  type ClientTokenRecord,
  type DiskRecord,
  DiskStatus,
  type KmsKeyRecord,
  type RegionRecord,
  type SnapshotLock,
  type SnapshotRecord,
} from './records.ts';
import { SortedSnapshots } from './snapshot-index.ts';
import {
  type AccountFlags,
  type CopyModel,
  DEFAULT_ACCOUNT,
  DEFAULT_COPY_MODEL,
  SnapshotStatus,
  type World,
  type WorldInstance,
} from './types.ts';
import { diskRecord, kmsKeyRecord, regionRecord, snapshotRecord } from './world-records.ts';

const DAY_MS = 86_400_000;

function tagKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/**
 * The modelled cloud of one account: regions, instances, disks, snapshots (indexed by id,
 * region, disk, instance and tag so a DescribeSnapshots page costs O(page)), KMS keys, account
 * flags and ClientTokens. Mutations go through its methods so the indexes stay true.
 */
export class CloudModel {
  accountId = '1234567890123456';
  account: AccountFlags = { ...DEFAULT_ACCOUNT };
  copy: CopyModel = { ...DEFAULT_COPY_MODEL };
  readonly regions = new Map<string, RegionRecord>();
  readonly instances = new Map<string, WorldInstance>();
  readonly disks = new Map<string, DiskRecord>();
  readonly kmsKeys = new Map<string, KmsKeyRecord>();
  readonly snapshots = new Map<string, SnapshotRecord>();
  readonly clientTokens = new Map<string, ClientTokenRecord>();
  private readonly byRegion = new Map<string, SortedSnapshots>();
  private readonly byDisk = new Map<string, Set<string>>();
  private readonly byInstance = new Map<string, Set<string>>();
  private readonly byTag = new Map<string, Set<string>>();
  /**
   * Progressing snapshots by completion time, earliest first: settle() pops only those due, so a
   * request costs O(log n) however many copies are in flight (walking every one per request
   * made a 30,000-copy backlog quadratic). Entries of snapshots deleted since are skipped.
   */
  private readonly completions = new CompletionQueue();
  private readonly expiring = new Set<string>();
  /** Disks in Creating: settle() turns them Available (or releases a failed one). */
  private readonly creatingDisks = new Set<string>();
  private nextExpiry = Number.POSITIVE_INFINITY;

  clear(): void {
    this.account = { ...DEFAULT_ACCOUNT };
    this.copy = { ...DEFAULT_COPY_MODEL };
    for (const m of [this.regions, this.instances, this.disks, this.kmsKeys, this.snapshots])
      m.clear();
    this.clientTokens.clear();
    this.byRegion.clear();
    this.byDisk.clear();
    this.byInstance.clear();
    this.byTag.clear();
    this.completions.clear();
    this.expiring.clear();
    this.creatingDisks.clear();
    this.nextExpiry = Number.POSITIVE_INFINITY;
  }

  /** Replaces the whole cloud with `world`; `now` dates the KMS keys. */
  loadWorld(world: World, now: number): void {
    this.clear();
    if (world.accountId !== undefined) this.accountId = world.accountId;
    this.account = { ...DEFAULT_ACCOUNT, ...world.account };
    this.copy = { ...DEFAULT_COPY_MODEL, ...world.copy };
    for (const r of world.regions) this.regions.set(r.regionId, regionRecord(r));
    for (const i of world.instances ?? []) this.instances.set(i.instanceId, i);
    for (const d of world.disks) this.addDisk(diskRecord(d));
    for (const k of world.kmsKeys) this.kmsKeys.set(k.keyId, kmsKeyRecord(k, now));
    const records = world.snapshots.map((s) => snapshotRecord(s, this.disks.get(s.diskId)));
    this.addSnapshots(records);
  }

  /** Adds (or replaces) a disk, keeping the set of Creating disks true. */
  addDisk(d: DiskRecord): void {
    this.disks.set(d.diskId, d);
    if (d.status === DiskStatus.Creating) this.creatingDisks.add(d.diskId);
  }

  removeDisk(diskId: string): void {
    this.disks.delete(diskId);
    this.creatingDisks.delete(diskId);
  }

  /** What DescribeDisks reports as the disk's Status. */
  diskStatus(d: DiskRecord): DiskStatus {
    return d.status ?? (d.instanceId === undefined ? DiskStatus.Available : DiskStatus.InUse);
  }

  /** Disks created from `snapshotId` that still exist (DeleteSnapshot: SnapshotCreatedDisk). */
  disksFromSnapshot(snapshotId: string): DiskRecord[] {
    return [...this.disks.values()].filter((d) => d.sourceSnapshotId === snapshotId);
  }

  zonesOf(regionId: string): string[] {
    const region = this.regions.get(regionId);
    if (region === undefined) return [];
    return region.zones ?? [`${regionId}-a`, `${regionId}-b`];
  }

  /** Adds many snapshots with one sort per region instead of one ordered insert each. */
  addSnapshots(list: readonly SnapshotRecord[]): void {
    const byRegion = new Map<string, SnapshotRecord[]>();
    for (const s of list) {
      this.indexSnapshot(s);
      const group = byRegion.get(s.regionId) ?? [];
      group.push(s);
      byRegion.set(s.regionId, group);
    }
    for (const [regionId, group] of byRegion) this.regionList(regionId).insertMany(group);
  }

  addSnapshot(s: SnapshotRecord): void {
    this.indexSnapshot(s);
    this.regionList(s.regionId).insert(s);
  }

  private regionList(regionId: string): SortedSnapshots {
    let region = this.byRegion.get(regionId);
    if (region === undefined) {
      region = new SortedSnapshots();
      this.byRegion.set(regionId, region);
    }
    return region;
  }

  private indexSnapshot(s: SnapshotRecord): void {
    this.snapshots.set(s.snapshotId, s);
    addTo(this.byDisk, s.sourceDiskId, s.snapshotId);
    if (s.instanceId !== undefined) addTo(this.byInstance, s.instanceId, s.snapshotId);
    for (const [k, v] of Object.entries(s.tags)) addTo(this.byTag, tagKey(k, v), s.snapshotId);
    if (s.status === SnapshotStatus.Progressing && s.completesAt !== undefined) {
      this.completions.push(s.completesAt, s.snapshotId);
    }
    if (s.retentionDays !== undefined) {
      this.expiring.add(s.snapshotId);
      this.nextExpiry = Math.min(this.nextExpiry, expiryOf(s));
    }
  }

  removeSnapshot(id: string): SnapshotRecord | undefined {
    const s = this.snapshots.get(id);
    if (s === undefined) return undefined;
    this.snapshots.delete(id);
    this.byRegion.get(s.regionId)?.remove(s);
    removeFrom(this.byDisk, s.sourceDiskId, id);
    if (s.instanceId !== undefined) removeFrom(this.byInstance, s.instanceId, id);
    for (const [k, v] of Object.entries(s.tags)) removeFrom(this.byTag, tagKey(k, v), id);
    this.expiring.delete(id);
    return s;
  }

  /** Adds or overwrites tags on a snapshot, keeping the tag index true. */
  setTags(s: SnapshotRecord, tags: Record<string, string>, now: number): void {
    for (const [k, v] of Object.entries(tags)) {
      const old = s.tags[k];
      if (old !== undefined) removeFrom(this.byTag, tagKey(k, old), s.snapshotId);
      s.tags[k] = v;
      addTo(this.byTag, tagKey(k, v), s.snapshotId);
    }
    s.lastModifiedTime = now;
  }

  /** Sets (LockSnapshot) or clears (UnlockSnapshot) a snapshot's compliance lock. */
  setLock(s: SnapshotRecord, lock: SnapshotLock | undefined, now: number): void {
    if (lock === undefined) delete s.lock;
    else s.lock = lock;
    s.lastModifiedTime = now;
  }

  regionSnapshots(regionId: string): readonly SnapshotRecord[] {
    return this.byRegion.get(regionId)?.items ?? [];
  }

  regionIndex(regionId: string): SortedSnapshots | undefined {
    return this.byRegion.get(regionId);
  }

  idsForDisk(diskId: string): ReadonlySet<string> {
    return this.byDisk.get(diskId) ?? new Set();
  }

  idsForInstance(instanceId: string): ReadonlySet<string> {
    return this.byInstance.get(instanceId) ?? new Set();
  }

  idsForTag(key: string, value: string): ReadonlySet<string> {
    return this.byTag.get(tagKey(key, value)) ?? new Set();
  }

  /** Ids carrying tag `key` with any value (ListTagResources with a key only). */
  idsForTagKey(key: string): Set<string> {
    const out = new Set<string>();
    const prefix = `${key}\u0000`;
    for (const [k, ids] of this.byTag) if (k.startsWith(prefix)) for (const id of ids) out.add(id);
    return out;
  }

  regionSnapshotCount(regionId: string): number {
    return this.byRegion.get(regionId)?.items.length ?? 0;
  }

  /**
   * Brings time-driven state up to `now`: progressing snapshots finish (their progress is
   * derived when read: progressAt),
   * snapshots past their RetentionDays are released. Returns whether anything changed.
   */
  settle(now: number): boolean {
    let changed = false;
    for (const id of this.creatingDisks) {
      const d = this.disks.get(id);
      if (d === undefined || d.status !== DiskStatus.Creating) {
        this.creatingDisks.delete(id);
        continue;
      }
      if (d.availableAt === undefined || now < d.availableAt) continue;
      // A failed restore: the service releases the disk it could not fill (no failed status
      // is documented for disks; see emulator/README.md).
      if (d.failsAtCreation) this.removeDisk(id);
      else {
        d.status = DiskStatus.Available;
        this.creatingDisks.delete(id);
      }
      changed = true;
    }
    for (let due = this.completions.popDue(now); due; due = this.completions.popDue(now)) {
      const s = this.snapshots.get(due.id);
      // A stale entry: the snapshot was deleted (or re-added with another completion time).
      if (s === undefined || s.status !== SnapshotStatus.Progressing || s.completesAt !== due.at) {
        continue;
      }
      s.status = s.failsAtCompletion ? SnapshotStatus.Failed : SnapshotStatus.Accomplished;
      s.progress = s.failsAtCompletion ? progressAt(s, s.completesAt) : 100;
      s.lastModifiedTime = s.completesAt;
      changed = true;
    }
    if (now >= this.nextExpiry) {
      let next = Number.POSITIVE_INFINITY;
      for (const id of [...this.expiring]) {
        const s = this.snapshots.get(id);
        if (s === undefined) continue;
        const at = expiryOf(s);
        if (at <= now) {
          this.removeSnapshot(id);
          changed = true;
        } else next = Math.min(next, at);
      }
      this.nextExpiry = next;
    }
    return changed;
  }

  /** A progressing copy of `diskId` into `regionId` (the one-unfinished-copy rule). */
  unfinishedCopy(diskId: string, regionId: string): SnapshotRecord | undefined {
    for (const id of this.idsForDisk(diskId)) {
      const s = this.snapshots.get(id);
      if (
        s !== undefined &&
        s.regionId === regionId &&
        s.sourceSnapshotId !== undefined &&
        s.status === SnapshotStatus.Progressing
      ) {
        return s;
      }
    }
    return undefined;
  }

  /** Whether `regionId` already holds an accomplished copy of `diskId` (later copies are incremental). */
  hasBaseCopy(diskId: string, regionId: string): boolean {
    for (const id of this.idsForDisk(diskId)) {
      const s = this.snapshots.get(id);
      if (
        s?.regionId === regionId &&
        s.sourceSnapshotId !== undefined &&
        s.status === SnapshotStatus.Accomplished
      ) {
        return true;
      }
    }
    return false;
  }

  /**
   * KMS key in a region by any reference KMS and ECS accept: key id, key ARN
   * (`acs:kms:{region}:{account}:key/{id}`), alias (`alias/name`) or alias ARN
   * (`acs:kms:{region}:{account}:alias/name`). An ARN of another region or account is not
   * found here, as a key only exists in its own region.
   */
  findKey(regionId: string, reference: string): KmsKeyRecord | undefined {
    const arn = KMS_ARN_RE.exec(reference);
    if (arn !== null) {
      const [, arnRegion, arnAccount, kind, name] = arn;
      if (arnRegion !== regionId || arnAccount !== this.accountId) return undefined;
      return kind === 'key'
        ? this.keyById(regionId, name!)
        : this.keyByAlias(regionId, `alias/${name}`);
    }
    return this.keyById(regionId, reference) ?? this.keyByAlias(regionId, reference);
  }

  private keyById(regionId: string, keyId: string): KmsKeyRecord | undefined {
    const key = this.kmsKeys.get(keyId);
    return key?.regionId === regionId ? key : undefined;
  }

  private keyByAlias(regionId: string, alias: string): KmsKeyRecord | undefined {
    for (const k of this.kmsKeys.values()) {
      if (k.regionId === regionId && k.aliases.includes(alias)) return k;
    }
    return undefined;
  }
}

/** `acs:kms:{region}:{account}:key/{id}` or `…:alias/{name}`. */
const KMS_ARN_RE = /^acs:kms:([^:]+):([^:]+):(key|alias)\/(.+)$/;

function expiryOf(s: SnapshotRecord): number {
  return s.creationTime + (s.retentionDays ?? 0) * DAY_MS;
}

/** A progressing snapshot's progress at `now`, derived from its start and completion times. */
export function progressAt(s: SnapshotRecord, now: number): number {
  if (
    s.status !== SnapshotStatus.Progressing ||
    s.completesAt === undefined ||
    s.startedAt === undefined
  ) {
    return s.progress;
  }
  const span = Math.max(1, s.completesAt - s.startedAt);
  return Math.max(s.progress, Math.min(99, Math.floor(((now - s.startedAt) / span) * 100)));
}
