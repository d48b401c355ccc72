import type {
  CallResult,
  CopySnapshotRequest,
  CreateDiskRequest,
  Disk,
  DiskQuery,
  EcsApi,
  LockRequest,
  Snapshot,
  SnapshotLock,
  SnapshotPage,
  SnapshotQuery,
  SnapshotStatus,
  TagRowPage,
} from '../ports.ts';
import type { RpcCaller, RpcParams } from './rpc.ts';

export const ECS_API_VERSION = '2014-05-26';
const MAX_PAGE = 100;
const MAX_QUERY_TAGS = 20;

/** EcsApi over the RPC protocol (pop-core). */
export function createEcsApi(rpc: RpcCaller): EcsApi {
  return {
    async describeSnapshots(query: SnapshotQuery, nextToken?: string): Promise<SnapshotPage> {
      const body = await rpc.call<DescribeSnapshotsBody>(
        query.regionId,
        'DescribeSnapshots',
        describeSnapshotsParams(query, nextToken),
      );
      const raw = body.Snapshots?.Snapshot ?? [];
      const page: SnapshotPage = {
        snapshots: raw.map((s) => toSnapshot(s, query.regionId)),
        requestId: str(body.RequestId),
      };
      if (body.NextToken) page.nextToken = str(body.NextToken);
      return page;
    },

    async copySnapshot(request: CopySnapshotRequest) {
      const body = await rpc.call<{ RequestId?: string; SnapshotId?: string }>(
        request.sourceRegionId,
        'CopySnapshot',
        copySnapshotParams(request),
      );
      return { requestId: str(body.RequestId), snapshotId: str(body.SnapshotId) };
    },

    async deleteSnapshot(regionId: string, snapshotId: string): Promise<CallResult> {
      // RegionId is not in DeleteSnapshot's reference but is accepted (the aliyun CLI sends it
      // on every call); it makes the service refuse a snapshot of another region.
      const body = await rpc.call<{ RequestId?: string }>(regionId, 'DeleteSnapshot', {
        RegionId: regionId,
        SnapshotId: snapshotId,
      });
      return { requestId: str(body.RequestId) };
    },

    async tagSnapshots(regionId: string, snapshotIds: string[], tags: Record<string, string>) {
      const params: RpcParams = { RegionId: regionId, ResourceType: 'snapshot' };
      snapshotIds.forEach((id, i) => {
        params[`ResourceId.${i + 1}`] = id;
      });
      Object.assign(params, tagParams(tags));
      const body = await rpc.call<{ RequestId?: string }>(regionId, 'TagResources', params);
      return { requestId: str(body.RequestId) };
    },

    async listTaggedSnapshots(regionId, tags, nextToken): Promise<TagRowPage> {
      const params: RpcParams = {
        RegionId: regionId,
        ResourceType: 'snapshot',
        ...tagParams(tags),
      };
      if (nextToken) params.NextToken = nextToken;
      const body = await rpc.call<ListTagResourcesBody>(regionId, 'ListTagResources', params);
      const page: TagRowPage = {
        rows: (body.TagResources?.TagResource ?? []).map((r) => ({
          resourceId: str(r.ResourceId),
          tagKey: str(r.TagKey),
          tagValue: str(r.TagValue),
        })),
        requestId: str(body.RequestId),
      };
      if (body.NextToken) page.nextToken = str(body.NextToken);
      return page;
    },

    async lockSnapshot(request: LockRequest) {
      const body = await rpc.call<{ RequestId?: string; LockedSnapshotInfo?: RawLock }>(
        request.regionId,
        'LockSnapshot',
        {
          RegionId: request.regionId,
          SnapshotId: request.snapshotId,
          LockMode: 'compliance',
          LockDuration: request.days,
          CoolOffPeriod: request.coolOffHours,
        },
      );
      return {
        requestId: str(body.RequestId),
        lock: toLock(body.LockedSnapshotInfo ?? {}, request.snapshotId),
      };
    },

    async createDisk(request: CreateDiskRequest) {
      const params: RpcParams = {
        RegionId: request.regionId,
        ZoneId: request.zoneId,
        SnapshotId: request.snapshotId,
        DiskCategory: request.diskCategory,
        DiskName: request.name,
        Description: request.description,
        ClientToken: request.clientToken,
        ...tagParams(request.tags),
      };
      if (request.encrypted) params.Encrypted = true;
      if (request.kmsKeyId) params.KMSKeyId = request.kmsKeyId;
      const body = await rpc.call<{ RequestId?: string; DiskId?: string }>(
        request.regionId,
        'CreateDisk',
        params,
      );
      return { requestId: str(body.RequestId), diskId: str(body.DiskId) };
    },

    async describeDisks(query: DiskQuery, nextToken?: string) {
      const params: RpcParams = { RegionId: query.regionId, MaxResults: MAX_PAGE };
      if (query.diskIds) params.DiskIds = JSON.stringify(query.diskIds);
      if (query.tags) Object.assign(params, tagParams(query.tags));
      if (nextToken) params.NextToken = nextToken;
      const body = await rpc.call<{
        RequestId?: string;
        NextToken?: string;
        Disks?: { Disk?: RawDisk[] };
      }>(query.regionId, 'DescribeDisks', params);
      return {
        requestId: str(body.RequestId),
        disks: (body.Disks?.Disk ?? []).map((d) => toDisk(d, query.regionId)),
        ...(body.NextToken ? { nextToken: str(body.NextToken) } : {}),
      };
    },

    async deleteDisk(regionId: string, diskId: string): Promise<CallResult> {
      // RegionId is not on DeleteDisk's page; as for DeleteSnapshot, it pins the region.
      const body = await rpc.call<{ RequestId?: string }>(regionId, 'DeleteDisk', {
        RegionId: regionId,
        DiskId: diskId,
      });
      return { requestId: str(body.RequestId) };
    },

    async describeZones(regionId: string) {
      const body = await rpc.call<{
        RequestId?: string;
        Zones?: { Zone?: { ZoneId?: unknown }[] };
      }>(regionId, 'DescribeZones', { RegionId: regionId, Verbose: false });
      return {
        requestId: str(body.RequestId),
        zones: (body.Zones?.Zone ?? []).map((z) => str(z.ZoneId)).filter((z) => z !== ''),
      };
    },

    async describeLockedSnapshots(regionId: string, snapshotIds: string[], nextToken?: string) {
      const params: RpcParams = { RegionId: regionId, MaxResults: MAX_PAGE };
      snapshotIds.forEach((id, i) => {
        params[`SnapshotIds.${i + 1}`] = id;
      });
      if (nextToken) params.NextToken = nextToken;
      const body = await rpc.call<{
        RequestId?: string;
        NextToken?: string;
        LockedSnapshotsInfo?: RawLock[] | { LockedSnapshotsInfo?: RawLock[] };
      }>(regionId, 'DescribeLockedSnapshots', params);
      const raw = body.LockedSnapshotsInfo;
      // JSON carries the list bare; tolerate the wrapped shape other RPC lists use.
      const list = Array.isArray(raw) ? raw : (raw?.LockedSnapshotsInfo ?? []);
      return {
        requestId: str(body.RequestId),
        locks: list.map((l) => toLock(l, '')),
        ...(body.NextToken ? { nextToken: str(body.NextToken) } : {}),
      };
    },
  };
}

interface RawDisk {
  DiskId?: unknown;
  RegionId?: unknown;
  ZoneId?: unknown;
  Status?: unknown;
  Size?: unknown;
  Category?: unknown;
  Encrypted?: unknown;
  KMSKeyId?: unknown;
  SourceSnapshotId?: unknown;
  CreationTime?: unknown;
  Tags?: { Tag?: { TagKey?: unknown; TagValue?: unknown }[] };
}

function toDisk(raw: RawDisk, regionId: string): Disk {
  const tags: Record<string, string> = {};
  for (const t of raw.Tags?.Tag ?? []) tags[str(t.TagKey)] = str(t.TagValue);
  const kmsKeyId = str(raw.KMSKeyId);
  const sourceSnapshotId = str(raw.SourceSnapshotId);
  return {
    diskId: str(raw.DiskId),
    regionId: str(raw.RegionId) || regionId,
    zoneId: str(raw.ZoneId),
    status: str(raw.Status),
    sizeGiB: Number(raw.Size ?? 0),
    category: str(raw.Category),
    // XML answers carry booleans as strings.
    encrypted: raw.Encrypted === true || raw.Encrypted === 'true',
    ...(kmsKeyId ? { kmsKeyId } : {}),
    ...(sourceSnapshotId ? { sourceSnapshotId } : {}),
    creationTime: str(raw.CreationTime),
    tags,
  };
}

interface RawLock {
  SnapshotId?: unknown;
  LockStatus?: unknown;
  LockExpiredTime?: unknown;
  CoolOffPeriodExpiredTime?: unknown;
  LockCreationTime?: unknown;
  LockDuration?: unknown;
}

function toLock(raw: RawLock, snapshotId: string): SnapshotLock {
  return {
    snapshotId: raw.SnapshotId === undefined ? snapshotId : str(raw.SnapshotId),
    status: str(raw.LockStatus),
    expiresAt: str(raw.LockExpiredTime),
    coolOffEndsAt: str(raw.CoolOffPeriodExpiredTime),
    lockedAt: str(raw.LockCreationTime),
    durationDays: Number(raw.LockDuration ?? 0),
  };
}

/** Filter values are UTC minutes: yyyy-MM-ddTHH:mmZ. */
export function formatFilterTime(date: Date): string {
  return `${date.toISOString().slice(0, 16)}Z`;
}

export function describeSnapshotsParams(query: SnapshotQuery, nextToken?: string): RpcParams {
  const params: RpcParams = {
    RegionId: query.regionId,
    Status: query.status,
    SnapshotType: query.snapshotType,
    DiskId: query.diskId,
    InstanceId: query.instanceId,
    MaxResults: Math.min(query.maxResults ?? MAX_PAGE, MAX_PAGE),
    NextToken: nextToken,
  };
  if (query.snapshotIds) params.SnapshotIds = JSON.stringify(query.snapshotIds.slice(0, MAX_PAGE));
  let filter = 0;
  if (query.createdAfter) {
    filter += 1;
    params[`Filter.${filter}.Key`] = 'CreationStartTime';
    params[`Filter.${filter}.Value`] = formatFilterTime(query.createdAfter);
  }
  if (query.createdBefore) {
    filter += 1;
    params[`Filter.${filter}.Key`] = 'CreationEndTime';
    params[`Filter.${filter}.Value`] = formatFilterTime(query.createdBefore);
  }
  if (query.tags) {
    const entries = Object.entries(query.tags);
    if (entries.length > MAX_QUERY_TAGS) {
      throw new RangeError(`DescribeSnapshots takes at most ${MAX_QUERY_TAGS} tags`);
    }
    Object.assign(params, tagParams(query.tags));
  }
  return params;
}

export function copySnapshotParams(request: CopySnapshotRequest): RpcParams {
  return {
    RegionId: request.sourceRegionId,
    SnapshotId: request.snapshotId,
    DestinationRegionId: request.destinationRegionId,
    DestinationSnapshotName: request.name,
    DestinationSnapshotDescription: request.description,
    RetentionDays: request.retentionDays,
    Encrypted: request.encrypted,
    KMSKeyId: request.kmsKeyId,
    ClientToken: request.clientToken,
    ...tagParams(request.tags),
  };
}

function tagParams(tags: Record<string, string>): RpcParams {
  const params: RpcParams = {};
  Object.entries(tags).forEach(([key, value], i) => {
    params[`Tag.${i + 1}.Key`] = key;
    params[`Tag.${i + 1}.Value`] = value;
  });
  return params;
}

interface RawSnapshot {
  SnapshotId?: unknown;
  RegionId?: unknown;
  SnapshotName?: unknown;
  Description?: unknown;
  Status?: unknown;
  Progress?: unknown;
  CreationTime?: unknown;
  SourceDiskId?: unknown;
  SourceDiskType?: unknown;
  SourceDiskSize?: unknown;
  SnapshotType?: unknown;
  Category?: unknown;
  Encrypted?: unknown;
  KMSKeyId?: unknown;
  RetentionDays?: unknown;
  SourceSnapshotId?: unknown;
  SourceRegionId?: unknown;
  Tags?: { Tag?: { TagKey?: unknown; TagValue?: unknown }[] };
}

interface ListTagResourcesBody {
  RequestId?: unknown;
  NextToken?: unknown;
  TagResources?: {
    TagResource?: { ResourceId?: unknown; TagKey?: unknown; TagValue?: unknown }[];
  };
}

interface DescribeSnapshotsBody {
  RequestId?: unknown;
  NextToken?: unknown;
  Snapshots?: { Snapshot?: RawSnapshot[] };
}

/**
 * V8 makes a substring at least this long a view into its parent rather than a copy; shorter
 * ones are copies already.
 */
const SLICED_MIN_LENGTH = 13;

/**
 * pop-core parses with json-bigint, whose strings are substrings of the whole response text:
 * views that keep the page's text (63 KB for 100 snapshots) alive for as long as one of them
 * is held. Every string kept from a response goes through here: the listing keeps each page's
 * NextToken to detect a loop, and unflattened those tokens alone held every page of a
 * 100,000-snapshot listing (63 MB) until it ended.
 */
function flat(s: string): string {
  return s.length < SLICED_MIN_LENGTH ? s : Buffer.from(s, 'utf8').toString('utf8');
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : flat(String(v)));

/**
 * Listings of 100 000 snapshots repeat a handful of values (status, category, region, disk
 * type) a hundred thousand times; JSON parsing makes each a new string. Sharing one copy of
 * each keeps large listings small.
 */
const interned = new Map<string, string>();
function intern(value: string): string {
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size < 1024) interned.set(value, value);
  return value;
}

const STATUSES: readonly SnapshotStatus[] = ['progressing', 'accomplished', 'failed'];
const NO_TAGS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export function toSnapshot(raw: RawSnapshot, regionId: string): Snapshot {
  const rawTags = raw.Tags?.Tag ?? [];
  let tags = NO_TAGS;
  if (rawTags.length > 0) {
    tags = {};
    for (const tag of rawTags) tags[intern(str(tag.TagKey))] = str(tag.TagValue);
  }
  const diskType = str(raw.SourceDiskType).toLowerCase();
  const snapshotId = str(raw.SnapshotId);
  const status = STATUSES.find((s) => s === raw.Status) ?? 'progressing';
  const region = str(raw.RegionId);
  const snapshot: Snapshot = {
    snapshotId,
    regionId: region === regionId || region === '' ? regionId : intern(region),
    // Shared when equal: the emulator (and some tools) name a snapshot by its id.
    name: raw.SnapshotName === raw.SnapshotId ? snapshotId : str(raw.SnapshotName),
    description: str(raw.Description),
    status,
    progress: Number.parseInt(str(raw.Progress), 10) || 0,
    creationTime: str(raw.CreationTime),
    sourceDiskId: str(raw.SourceDiskId),
    // SourceDiskSize is typed string but sent as a number in samples.
    sourceDiskSize: Number(str(raw.SourceDiskSize)) || 0,
    snapshotType: str(raw.SnapshotType) === 'user' ? 'user' : 'auto',
    category: intern(str(raw.Category)),
    encrypted: raw.Encrypted === true || str(raw.Encrypted) === 'true',
    tags,
  };
  // The literals, not the parsed strings: one copy for a whole listing.
  if (diskType === 'system') snapshot.sourceDiskType = 'system';
  else if (diskType === 'data') snapshot.sourceDiskType = 'data';
  if (raw.KMSKeyId) snapshot.kmsKeyId = intern(str(raw.KMSKeyId));
  const retention = Number(str(raw.RetentionDays));
  if (Number.isInteger(retention) && retention > 0) snapshot.retentionDays = retention;
  if (raw.SourceSnapshotId) snapshot.sourceSnapshotId = str(raw.SourceSnapshotId);
  if (raw.SourceRegionId) snapshot.sourceRegionId = intern(str(raw.SourceRegionId));
  return snapshot;
}
