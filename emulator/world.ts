import { resourceId, seededRandom } from './model/ids.ts';
import type {
  World,
  WorldDisk,
  WorldInstance,
  WorldKmsKey,
  WorldRegion,
  WorldSnapshot,
} from './model/types.ts';
import { EMULATED_REGIONS } from './regions.ts';

export type { World } from './model/types.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Every public region exists, as in the real cloud; `overrides` change some of them. */
function allRegions(overrides: Record<string, Partial<WorldRegion>> = {}): WorldRegion[] {
  return Object.keys(EMULATED_REGIONS).map((regionId) => ({ regionId, ...overrides[regionId] }));
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The most recent daily auto-snapshot time (at `hourUtc`) at least one hour before `now`. */
function lastDailyRun(now: number, hourUtc: number): number {
  const day = Math.floor(now / DAY_MS) * DAY_MS + hourUtc * HOUR_MS;
  return day <= now - HOUR_MS ? day : day - DAY_MS;
}

/** A cloud with all regions and nothing in them. */
export function emptyWorld(): World {
  return { regions: allRegions(), disks: [], snapshots: [], kmsKeys: [] };
}

interface DemoMachine {
  region: string;
  name: string;
  dr: boolean;
  disks: { type: 'system' | 'data'; sizeGiB: number; encrypted?: boolean; category?: string }[];
}

const DEMO_MACHINES: DemoMachine[] = [
  {
    region: 'cn-hangzhou',
    name: 'web-1',
    dr: true,
    disks: [
      { type: 'system', sizeGiB: 40 },
      { type: 'data', sizeGiB: 200 },
    ],
  },
  {
    region: 'cn-hangzhou',
    name: 'web-2',
    dr: true,
    disks: [
      { type: 'system', sizeGiB: 40 },
      { type: 'data', sizeGiB: 200 },
    ],
  },
  {
    region: 'cn-hangzhou',
    name: 'db-primary',
    dr: true,
    disks: [
      { type: 'system', sizeGiB: 60 },
      { type: 'data', sizeGiB: 500, encrypted: true },
    ],
  },
  {
    region: 'cn-hangzhou',
    name: 'build-runner',
    dr: false,
    disks: [{ type: 'system', sizeGiB: 100 }],
  },
  {
    region: 'cn-shanghai',
    name: 'api-1',
    dr: true,
    disks: [
      { type: 'system', sizeGiB: 40 },
      { type: 'data', sizeGiB: 100, encrypted: true },
    ],
  },
  {
    region: 'cn-shanghai',
    name: 'cache-1',
    dr: false,
    disks: [
      { type: 'system', sizeGiB: 40 },
      { type: 'data', sizeGiB: 80 },
    ],
  },
  {
    region: 'cn-shanghai',
    name: 'ledger',
    dr: true,
    disks: [
      { type: 'system', sizeGiB: 40 },
      { type: 'data', sizeGiB: 300 },
    ],
  },
  {
    region: 'cn-shenzhen',
    name: 'analytics',
    dr: true,
    disks: [
      { type: 'system', sizeGiB: 80 },
      { type: 'data', sizeGiB: 1000 },
    ],
  },
  { region: 'cn-shenzhen', name: 'bastion', dr: false, disks: [{ type: 'system', sizeGiB: 20 }] },
];

/**
 * The `demo` world: three source regions (cn-hangzhou, cn-shanghai, cn-shenzhen) of instances
 * with system and data disks, some encrypted, DR disks tagged `dr: "true"`, a week of daily
 * auto snapshots ending shortly before `now`, KMS keys in each region (key-demo-beijing in the
 * destination cn-beijing, key-demo-disabled Disabled there too), an archived DR snapshot that
 * cannot be copied, a DR snapshot still being created, and us-west-1 without BYOK.
 */
export function demoWorld(now: Date): World {
  const t = now.getTime();
  const random = seededRandom(20_240_601);
  const instances: WorldInstance[] = [];
  const disks: WorldDisk[] = [];
  const snapshots: WorldSnapshot[] = [];
  const keyFor: Record<string, string> = {
    'cn-hangzhou': 'key-demo-hangzhou',
    'cn-shanghai': 'key-demo-shanghai',
    'cn-shenzhen': 'key-demo-shenzhen',
  };
  const lastRun = lastDailyRun(t, 2);
  for (const m of DEMO_MACHINES) {
    const instanceId = resourceId('i', m.region, random);
    const tags: Record<string, string> = m.dr ? { dr: 'true', app: m.name } : { app: m.name };
    instances.push({ instanceId, regionId: m.region, name: m.name, tags });
    for (const [i, d] of m.disks.entries()) {
      const diskId = resourceId('d', m.region, random);
      const encrypted = d.encrypted ?? false;
      disks.push({
        diskId,
        regionId: m.region,
        instanceId,
        type: d.type,
        sizeGiB: d.sizeGiB,
        category: d.category ?? 'cloud_essd',
        encrypted,
        ...(encrypted && { kmsKeyId: keyFor[m.region]! }),
        tags,
      });
      for (let day = 6; day >= 0; day--) {
        const created = lastRun - day * DAY_MS + i * 60_000;
        snapshots.push({
          snapshotId: resourceId('s', m.region, random),
          regionId: m.region,
          diskId,
          name: `auto_${iso(created).slice(0, 10).replace(/-/g, '')}_${m.name}-${d.type}${i}`,
          description: `Daily auto snapshot of ${m.name} ${d.type} disk`,
          creationTime: iso(created),
          snapshotType: 'auto',
          tags,
          retentionDays: 30,
        });
      }
    }
  }
  const ledgerData = disks.find(
    (d) =>
      d.instanceId === instances.find((i) => i.name === 'ledger')?.instanceId && d.type === 'data',
  )!;
  // A quarterly archive of the ledger: DR-tagged but archive category, so it cannot be copied.
  snapshots.push({
    snapshotId: resourceId('s', 'cn-shanghai', random),
    regionId: 'cn-shanghai',
    diskId: ledgerData.diskId,
    name: 'ledger-quarterly-archive',
    description: 'Quarter-end archive of the ledger volume',
    creationTime: iso(lastRun - 3 * DAY_MS + 6 * HOUR_MS),
    snapshotType: 'user',
    category: 'archive',
    tags: { dr: 'true', app: 'ledger' },
  });
  const analyticsData = disks.find(
    (d) =>
      d.instanceId === instances.find((i) => i.name === 'analytics')?.instanceId &&
      d.type === 'data',
  )!;
  // A manual snapshot still being created: CopySnapshot on it answers InvalidSnapshotId.NotReady.
  snapshots.push({
    snapshotId: resourceId('s', 'cn-shenzhen', random),
    regionId: 'cn-shenzhen',
    diskId: analyticsData.diskId,
    name: 'analytics-pre-upgrade',
    description: 'Manual snapshot before the analytics upgrade',
    creationTime: iso(t - 10 * 60_000),
    status: 'progressing',
    progress: 40,
    completesAt: iso(t + 15 * 60_000),
    snapshotType: 'user',
    tags: { dr: 'true', app: 'analytics' },
  });
  const kmsKeys: WorldKmsKey[] = [
    { keyId: 'key-demo-hangzhou', regionId: 'cn-hangzhou', aliases: ['alias/dr-demo'] },
    { keyId: 'key-demo-shanghai', regionId: 'cn-shanghai', aliases: ['alias/dr-demo'] },
    { keyId: 'key-demo-shenzhen', regionId: 'cn-shenzhen', aliases: ['alias/dr-demo'] },
    {
      keyId: 'key-demo-beijing',
      regionId: 'cn-beijing',
      aliases: ['alias/dr-demo'],
      description: 'DR copies in Beijing',
    },
    {
      keyId: 'key-demo-singapore',
      regionId: 'ap-southeast-1',
      aliases: ['alias/dr-demo'],
      description: 'DR copies in Singapore',
    },
    {
      keyId: 'key-demo-disabled',
      regionId: 'cn-beijing',
      state: 'Disabled',
      description: 'Retired DR key',
    },
    { keyId: 'key-demo-uswest', regionId: 'us-west-1', description: 'Region without BYOK support' },
    // ECS holds no grant on this key: copies with it fail InvalidParameter.KMSKeyId.KMSUnauthorized.
    { keyId: 'key-demo-no-ecs-grant', regionId: 'ap-southeast-1', ecsAuthorized: false },
  ];
  return {
    accountId: '1234567890123456',
    regions: allRegions({ 'us-west-1': { byok: false } }),
    instances,
    disks,
    snapshots,
    kmsKeys,
  };
}

export interface SyntheticWorldOptions {
  /** Source regions that get disks and snapshots. */
  regions: string[];
  disksPerRegion: number;
  snapshotsPerDisk: number;
  now: Date;
  /** Tags put on every disk and its snapshots (e.g. { dr: 'true' }). */
  tagged?: Record<string, string>;
  /** Fraction of disks that carry `tagged` (default 1). */
  taggedFraction?: number;
  /** Fraction of disks that are encrypted with their region's first key (default 0). */
  encryptedFraction?: number;
  /** KMS keys per region; default one `key-<region>` per source and destination region. */
  kmsKeys?: Record<string, string[]>;
  /** Destination regions that get a default key (default cn-beijing, ap-southeast-1). */
  destinations?: string[];
  /** Hours between a disk's snapshots (default 24); the newest is one hour before `now`. */
  intervalHours?: number;
  /** Disk size in GiB (default 40). */
  diskSizeGiB?: number;
  /** Seed for ids (default 1). */
  seed?: number;
}

/**
 * A large world for engine tests and benchmarks: `regions × disksPerRegion × snapshotsPerDisk`
 * accomplished auto snapshots, built without per-snapshot work beyond one id and one date
 * (100 000 snapshots in well under a second).
 */
export function syntheticWorld(opts: SyntheticWorldOptions): World {
  const random = seededRandom(opts.seed ?? 1);
  const t = opts.now.getTime();
  const interval = (opts.intervalHours ?? 24) * HOUR_MS;
  const destinations = opts.destinations ?? ['cn-beijing', 'ap-southeast-1'];
  const keys: Record<string, string[]> =
    opts.kmsKeys ??
    Object.fromEntries(
      [...new Set([...opts.regions, ...destinations])].map((r) => [r, [`key-${r}`]]),
    );
  const kmsKeys: WorldKmsKey[] = Object.entries(keys).flatMap(([regionId, ids]) =>
    ids.map((keyId) => ({ keyId, regionId })),
  );
  const disks: WorldDisk[] = [];
  const snapshots: WorldSnapshot[] = [];
  const taggedFraction = opts.taggedFraction ?? 1;
  const encryptedFraction = opts.encryptedFraction ?? 0;
  const size = opts.diskSizeGiB ?? 40;
  const newest = t - HOUR_MS;
  for (const regionId of opts.regions) {
    const regionKey = keys[regionId]?.[0];
    for (let d = 0; d < opts.disksPerRegion; d++) {
      const diskId = resourceId('d', regionId, random);
      const tags = opts.tagged !== undefined && random() < taggedFraction ? opts.tagged : {};
      const encrypted = regionKey !== undefined && random() < encryptedFraction;
      disks.push({
        diskId,
        regionId,
        type: d % 2 === 0 ? 'system' : 'data',
        sizeGiB: size,
        encrypted,
        ...(encrypted && { kmsKeyId: regionKey }),
        tags,
      });
      for (let s = opts.snapshotsPerDisk - 1; s >= 0; s--) {
        snapshots.push({
          snapshotId: resourceId('s', regionId, random),
          regionId,
          diskId,
          creationTime: iso(newest - s * interval - d * 1000),
          tags,
        });
      }
    }
  }
  return { regions: allRegions(), disks, snapshots, kmsKeys };
}
