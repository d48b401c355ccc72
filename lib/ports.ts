/**
 * Every port: the narrow interfaces the engine, status and the org fan-out talk to, and the data
 * they carry. Adapters (pop-core, @alicloud/log, the FC 3.0 SDK, files) sit behind them in
 * lib/cloud and lib/org; the engine imports no SDK and no adapter. Times are ISO strings or
 * Date, UTC.
 */
import type { LogRecord } from './records/types.ts';

export type SnapshotStatus = 'progressing' | 'accomplished' | 'failed';

export interface Snapshot {
  snapshotId: string;
  regionId: string;
  name: string;
  description: string;
  status: SnapshotStatus;
  /** 0..100 */
  progress: number;
  /** ISO 8601 UTC */
  creationTime: string;
  sourceDiskId: string;
  sourceDiskType?: 'system' | 'data';
  /** GiB */
  sourceDiskSize: number;
  snapshotType: 'auto' | 'user';
  /** Standard | Flash | archive | local ... as the API reports it */
  category: string;
  encrypted: boolean;
  kmsKeyId?: string;
  retentionDays?: number;
  tags: Record<string, string>;
  /** Set on copies: where they came from (also carried in provenance tags). */
  sourceSnapshotId?: string;
  sourceRegionId?: string;
}

export interface SnapshotQuery {
  regionId: string;
  status?: SnapshotStatus | 'all';
  snapshotType?: 'auto' | 'user' | 'all';
  diskId?: string;
  instanceId?: string;
  /** All must match (DescribeSnapshots Tag.N, at most 20). */
  tags?: Record<string, string>;
  /** Sent as Filter.1 CreationStartTime (minute precision). */
  createdAfter?: Date;
  createdBefore?: Date;
  /** At most 100, sent as a JSON array. */
  snapshotIds?: string[];
  /** Page size, at most 100. */
  maxResults?: number;
}

export interface SnapshotPage {
  snapshots: Snapshot[];
  nextToken?: string;
  requestId: string;
}

export interface CopySnapshotRequest {
  sourceRegionId: string;
  snapshotId: string;
  destinationRegionId: string;
  name: string;
  description: string;
  retentionDays?: number;
  encrypted: boolean;
  kmsKeyId?: string;
  tags: Record<string, string>;
  /** ASCII, at most 64 characters: the idempotency key. */
  clientToken: string;
}

export interface CallResult {
  requestId: string;
}

/** One row of ListTagResources: one tag of one resource (a resource spans several rows). */
export interface TagRow {
  resourceId: string;
  tagKey: string;
  tagValue: string;
}

export interface TagRowPage {
  rows: TagRow[];
  nextToken?: string;
  requestId: string;
}

/** DescribeLockedSnapshots LockStatus: in cool-off, locked for good, or run out. */
export type LockStatus = 'compliance-cooloff' | 'compliance' | 'expired';

/** A snapshot's compliance-mode lock as ECS reports it. */
export interface SnapshotLock {
  snapshotId: string;
  status: LockStatus | string;
  /** ISO 8601 UTC: when the lock ends. */
  expiresAt: string;
  /** ISO 8601 UTC: when the cool-off (UnlockSnapshot still allowed) ends. */
  coolOffEndsAt: string;
  lockedAt: string;
  durationDays: number;
}

export interface LockRequest {
  regionId: string;
  snapshotId: string;
  /** 1..36,500 */
  days: number;
  /** 0..72 */
  coolOffHours: number;
}

/** DescribeDisks Status: Creating until a disk from a snapshot is filled, then Available. */
export type DiskStatus = 'Creating' | 'Available' | 'In_use' | string;

/** A block storage disk as DescribeDisks reports it. */
export interface Disk {
  diskId: string;
  regionId: string;
  zoneId: string;
  status: DiskStatus;
  /** GiB */
  sizeGiB: number;
  category: string;
  encrypted: boolean;
  kmsKeyId?: string;
  /** The snapshot the disk was created from. */
  sourceSnapshotId?: string;
  /** ISO 8601 UTC */
  creationTime: string;
  tags: Record<string, string>;
}

export interface DiskQuery {
  regionId: string;
  /** At most 100. */
  diskIds?: string[];
  /** All must match (Tag.N). */
  tags?: Record<string, string>;
}

/** CreateDisk of a pay-as-you-go data disk from a snapshot (a restore drill). */
export interface CreateDiskRequest {
  regionId: string;
  zoneId: string;
  snapshotId: string;
  diskCategory: string;
  name: string;
  description: string;
  encrypted: boolean;
  kmsKeyId?: string;
  tags: Record<string, string>;
  /** ASCII, at most 64 characters. */
  clientToken: string;
}

export interface EcsApi {
  describeSnapshots(query: SnapshotQuery, nextToken?: string): Promise<SnapshotPage>;
  copySnapshot(request: CopySnapshotRequest): Promise<CallResult & { snapshotId: string }>;
  /** DeleteSnapshot has no RegionId parameter; the region picks the endpoint. */
  deleteSnapshot(regionId: string, snapshotId: string): Promise<CallResult>;
  tagSnapshots(
    regionId: string,
    snapshotIds: string[],
    tags: Record<string, string>,
  ): Promise<CallResult>;
  /** LockSnapshot in compliance mode. */
  lockSnapshot(request: LockRequest): Promise<CallResult & { lock: SnapshotLock }>;
  /** DescribeLockedSnapshots for at most 100 snapshot ids (one page of 100). */
  describeLockedSnapshots(
    regionId: string,
    snapshotIds: string[],
    nextToken?: string,
  ): Promise<CallResult & { locks: SnapshotLock[]; nextToken?: string }>;
  createDisk(request: CreateDiskRequest): Promise<CallResult & { diskId: string }>;
  /** One page of DescribeDisks (MaxResults 100 + NextToken). */
  describeDisks(
    query: DiskQuery,
    nextToken?: string,
  ): Promise<CallResult & { disks: Disk[]; nextToken?: string }>;
  /** DeleteDisk (an unknown id is ignored by the API). */
  deleteDisk(regionId: string, diskId: string): Promise<CallResult>;
  /** The zone ids of a region (DescribeZones). */
  describeZones(regionId: string): Promise<CallResult & { zones: string[] }>;
  /** ListTagResources for snapshots carrying every one of `tags` (no 1,000-result cap). */
  listTaggedSnapshots(
    regionId: string,
    tags: Record<string, string>,
    nextToken?: string,
  ): Promise<TagRowPage>;
}

export interface KmsKey {
  keyId: string;
  arn: string;
  keyState: 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport' | string;
  keySpec: string;
  origin: string;
}

export interface KmsApi {
  describeKey(regionId: string, keyId: string): Promise<KmsKey & CallResult>;
}

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

// ---- The cloud as the engine sees it -----------------------------------------------------

/** The cloud as the engine sees it. */
export interface CloudClients {
  ecs: EcsApi;
  kms: KmsApi;
  /**
   * Whose quota the calls spend (opaque: a hash of endpoint and AccessKeyId). Runs in one
   * process with the same key share CopySnapshot's account-wide rate; unset: one shared key.
   */
  quotaKey?: string;
}

// ---- Records and claims -------------------------------------------------------------------

/** Where records go (SLS logstore, stdout JSON lines, a JSON-lines file). */
export interface LogSink {
  write(records: LogRecord[]): Promise<void>;
  /** Flushes buffered records; the run calls it before it returns. */
  close(): Promise<void>;
}

/**
 * Claims on a shared board, without a database: every participant appends a claim (who, since
 * when, until when) to a store every deployment of the policy can read, renews it while it
 * works, and appends a release when it is done. A participant is live while its newest claim
 * is not a release and has not expired. One mechanism serves two needs:
 * - the run lease (run-lease-shared.ts): the earliest live (startedAt, holder) of a policy works;
 * - the CopySnapshot quota share (quota-share.ts): the live groups of an account divide it.
 *
 * The store is a port: the SLS records logstore in production (lib/cloud/sls-claim-store.ts),
 * where a claim is one log line and the board is a query.
 */
export interface Claim {
  /** What is claimed: `lease.<policy>` or `copy-quota.<account>`. */
  scope: string;
  /** The run (its run id). */
  holder: string;
  /** Runs sharing one process-wide gate count once for the quota share; default: the holder. */
  group: string;
  /** Epoch ms the holder first claimed; renewals keep it. */
  startedAt: number;
  /** Epoch ms after which the claim is void unless renewed. */
  expiresAt: number;
  /** Epoch ms the claim was written (orders a holder's claims). */
  writtenAt: number;
  released: boolean;
}

/** Where claims live. Both calls may throw: the store is down, refused, or timed out. */
export interface ClaimStore {
  put(claim: Claim): Promise<void>;
  /** Claims of `scope` written in [sinceMs, untilMs] (second precision is enough). */
  read(scope: string, sinceMs: number, untilMs: number): Promise<Claim[]>;
}

// ---- Organisation (STS, Resource Directory, FC invoke) -------------------------------------

/** STS credentials of an assumed role, with when they stop working. */
export interface SessionCredentials extends Credentials {
  securityToken: string;
  /** ISO 8601 UTC. */
  expiration: string;
}

/** STS AssumeRole (2015-04-01). */
export interface StsApi {
  assumeRole(input: {
    roleArn: string;
    sessionName: string;
    durationSeconds: number;
  }): Promise<SessionCredentials>;
}

export interface MemberAccount {
  accountId: string;
  displayName: string;
  folderId: string;
  /** CreateSuccess for an active member. */
  status: string;
}

/** Resource Directory (ResourceManager 2020-03-31): the members, every page read. */
export interface DirectoryApi {
  listAccounts(folderId?: string): Promise<MemberAccount[]>;
}

export interface AsyncInvocation {
  functionName: string;
  payload: string;
  /** x-fc-async-task-id: the same id twice is refused (409), so a re-dispatch is harmless. */
  taskId: string;
}

export type InvokeOutcome =
  | { status: 'accepted'; requestId: string }
  /** FC refused the task id with 409: this (run, account, policy) was already dispatched. */
  | { status: 'duplicate'; requestId: string };

/** The one invoke port: asynchronous FC 3.0 invocation of a function by name. */
export interface InvokePort {
  invokeAsync(invocation: AsyncInvocation): Promise<InvokeOutcome>;
}
