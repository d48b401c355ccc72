import { emptyWorld, type World, type WorldSnapshot } from '../../../emulator/index.ts';

/**
 * An emulated account shaped for policies/production-databases.yaml, the policy s.yaml deploys
 * by default, so the deploy tests run the shipped policy unchanged. One run against it calls
 * every action the role is granted:
 * - DescribeKey: ap-southeast-1 holds the policy's key;
 * - DescribeSnapshots + CopySnapshot: a fresh mysql- snapshot in cn-hangzhou has no copy yet;
 * - TagResources: a fresh pg- snapshot in cn-beijing has a finished copy nobody recorded yet;
 * - DeleteSnapshot: the hangzhou disk has more old copies than keepLast (24) allows.
 */
export const DEPLOYED = {
  policyFile: 'policies/production-databases.yaml',
  policyName: 'prod-databases',
  accountId: '1234567890123456',
  destRegion: 'ap-southeast-1',
  keyId: 'key-sgg6a1b2c3d4e5f6g7h8',
  log: { project: 'prod-dr-logs', logstore: 'db-replication', region: 'ap-southeast-1' },
  /** The source snapshot the run must start a copy of. */
  uncopiedSnapshot: 's-hz-mysql-new',
  /** Old copies beyond keepLast: the run prunes the oldest. */
  oldCopies: 25,
} as const;

const HOUR = 3_600_000;
const SELECTED_TAGS = { env: 'production', role: 'database' };

function provenance(source: string, region: string, disk: string): Record<string, string> {
  return {
    'dr-replicator:policy': DEPLOYED.policyName,
    'dr-replicator:source-snapshot': source,
    'dr-replicator:source-region': region,
    'dr-replicator:source-disk': disk,
  };
}

export function deployedWorld(now: Date): World {
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR).toISOString();
  const copy = (
    id: string,
    source: string,
    region: string,
    disk: string,
    hoursAgo: number,
    reported: boolean,
  ): WorldSnapshot => ({
    snapshotId: id,
    regionId: DEPLOYED.destRegion,
    diskId: disk,
    name: `db-${id}`,
    creationTime: at(hoursAgo),
    status: 'accomplished',
    encrypted: true,
    kmsKeyId: DEPLOYED.keyId,
    sourceSnapshotId: source,
    sourceRegionId: region,
    tags: {
      ...provenance(source, region, disk),
      // Copies this product made carry their source's time: the recovery point prune orders by.
      'dr-replicator:source-time': at(hoursAgo + 1).replace(/\.\d{3}Z$/, 'Z'),
      ...(reported ? { 'dr-replicator:reported': 'completed' } : {}),
    },
  });
  const oldCopies = Array.from({ length: DEPLOYED.oldCopies }, (_, i) =>
    copy(
      `s-sg-old-${String(i).padStart(2, '0')}`,
      `s-hz-mysql-old-${i}`,
      'cn-hangzhou',
      'd-hz-mysql',
      200 - i,
      true,
    ),
  );
  return {
    ...emptyWorld(),
    accountId: DEPLOYED.accountId,
    disks: [
      {
        diskId: 'd-hz-mysql',
        regionId: 'cn-hangzhou',
        type: 'data',
        sizeGiB: 100,
        tags: SELECTED_TAGS,
      },
      { diskId: 'd-bj-pg', regionId: 'cn-beijing', type: 'data', sizeGiB: 50, tags: SELECTED_TAGS },
    ],
    snapshots: [
      {
        snapshotId: DEPLOYED.uncopiedSnapshot,
        regionId: 'cn-hangzhou',
        diskId: 'd-hz-mysql',
        name: 'mysql-orders-new',
        creationTime: at(1),
        status: 'accomplished',
        tags: SELECTED_TAGS,
      },
      {
        snapshotId: 's-bj-pg-new',
        regionId: 'cn-beijing',
        diskId: 'd-bj-pg',
        name: 'pg-ledger-new',
        creationTime: at(3),
        status: 'accomplished',
        tags: SELECTED_TAGS,
      },
      copy('s-sg-pg-done', 's-bj-pg-new', 'cn-beijing', 'd-bj-pg', 2, false),
      ...oldCopies,
    ],
    kmsKeys: [{ keyId: DEPLOYED.keyId, regionId: DEPLOYED.destRegion }],
  };
}
