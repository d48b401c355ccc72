import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator, syntheticWorld } from '../../emulator/index.ts';
import { createCloudClients } from '../../lib/cloud/clients.ts';
import { describeSnapshotsParams, formatFilterTime } from '../../lib/cloud/ecs.ts';
import type { CloudClients } from '../../lib/ports.ts';

const T0 = new Date('2026-03-01T12:00:00Z');
let emu: RunningEmulator;
let cloud: CloudClients;

beforeAll(async () => {
  emu = await startEmulator({
    world: syntheticWorld({
      regions: ['cn-hangzhou'],
      disksPerRegion: 3,
      snapshotsPerDisk: 1,
      now: T0,
      tagged: { dr: 'true' },
      destinations: ['cn-beijing'],
    }),
    startTime: T0,
    speed: 0,
  });
  cloud = createCloudClients({ credentials: emu.admin.issueStsCredentials(), endpoint: emu.url });
});
afterAll(() => emu.stop());

describe('EcsApi over pop-core', () => {
  it('maps DescribeSnapshots to the Snapshot port type', async () => {
    const page = await cloud.ecs.describeSnapshots({ regionId: 'cn-hangzhou', maxResults: 100 });

    expect(page.snapshots).toHaveLength(3);
    expect(page.requestId).not.toBe('');
    expect(page.snapshots[0]).toMatchObject({
      snapshotId: expect.stringMatching(/^s-/),
      regionId: 'cn-hangzhou',
      status: 'accomplished',
      progress: 100,
      sourceDiskId: expect.stringMatching(/^d-/),
      sourceDiskSize: 40,
      snapshotType: expect.stringMatching(/^(auto|user)$/),
      encrypted: false,
      tags: { dr: 'true' },
    });
    expect(Date.parse(page.snapshots[0]?.creationTime ?? '')).not.toBeNaN();
  });

  it('asks for snapshots by id with SnapshotIds as a JSON array', async () => {
    const all = await cloud.ecs.describeSnapshots({ regionId: 'cn-hangzhou' });
    const ids = all.snapshots.slice(0, 2).map((s) => s.snapshotId);

    const page = await cloud.ecs.describeSnapshots({ regionId: 'cn-hangzhou', snapshotIds: ids });

    expect(page.snapshots.map((s) => s.snapshotId).sort()).toEqual([...ids].sort());
    const sent = emu.admin.calls({ action: 'DescribeSnapshots' }).at(-1)?.params;
    expect(sent?.SnapshotIds).toBe(JSON.stringify(ids));
  });

  it('sends CopySnapshot with every parameter and no "undefined" values', async () => {
    const [source] = (await cloud.ecs.describeSnapshots({ regionId: 'cn-hangzhou' })).snapshots;
    if (!source) throw new Error('no snapshot');

    const copy = await cloud.ecs.copySnapshot({
      sourceRegionId: 'cn-hangzhou',
      snapshotId: source.snapshotId,
      destinationRegionId: 'cn-beijing',
      name: 'dr-copy-1',
      description: 'DR copy',
      encrypted: false,
      tags: { 'dr-replicator:policy': 'p' },
      clientToken: 'c'.repeat(64),
    });

    expect(copy.snapshotId).toMatch(/^s-/);
    const sent = emu.admin.calls({ action: 'CopySnapshot' }).at(-1)?.params ?? {};
    expect(sent).toMatchObject({
      RegionId: 'cn-hangzhou',
      DestinationRegionId: 'cn-beijing',
      DestinationSnapshotName: 'dr-copy-1',
      Encrypted: 'false',
      ClientToken: 'c'.repeat(64),
      'Tag.1.Key': 'dr-replicator:policy',
    });
    expect(Object.values(sent)).not.toContain('undefined');
    expect(sent).not.toHaveProperty('RetentionDays');
    expect(sent).not.toHaveProperty('KMSKeyId');
  });

  it('tags and deletes a snapshot in its region', async () => {
    const [copy] = emu.admin.snapshots('cn-beijing');
    if (!copy) throw new Error('no copy');

    await cloud.ecs.tagSnapshots('cn-beijing', [copy.snapshotId], { reported: 'yes' });
    const tagged = await cloud.ecs.describeSnapshots({
      regionId: 'cn-beijing',
      snapshotIds: [copy.snapshotId],
    });
    await cloud.ecs.deleteSnapshot('cn-beijing', copy.snapshotId);

    expect(tagged.snapshots[0]?.tags.reported).toBe('yes');
    expect(emu.admin.snapshots('cn-beijing').map((s) => s.snapshotId)).not.toContain(
      copy.snapshotId,
    );
  });

  it('reads a KMS key and its state', async () => {
    const key = await cloud.kms.describeKey('cn-beijing', 'key-cn-beijing');

    expect(key).toMatchObject({ keyId: 'key-cn-beijing', keyState: 'Enabled' });
    expect(key.arn).toContain('cn-beijing');
  });
});

describe('describeSnapshotsParams', () => {
  it('formats CreationStartTime to the minute, UTC', () => {
    expect(formatFilterTime(new Date('2026-03-01T07:08:59.999Z'))).toBe('2026-03-01T07:08Z');
  });

  it('drops what the query leaves out and caps the page at 100', () => {
    const params = describeSnapshotsParams({ regionId: 'cn-hangzhou', maxResults: 500 });

    expect(Object.entries(params).filter(([, v]) => v !== undefined)).toEqual([
      ['RegionId', 'cn-hangzhou'],
      ['MaxResults', 100],
    ]);
  });

  it('refuses more than 20 tags', () => {
    const tags = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    expect(() => describeSnapshotsParams({ regionId: 'cn-hangzhou', tags })).toThrow(RangeError);
  });
});
