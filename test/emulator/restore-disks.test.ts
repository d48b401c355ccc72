import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { $Ecs, ecsClient, popClient, popFailure, start } from './support/clients.ts';

/**
 * CreateDisk from a snapshot, DescribeDisks, DeleteDisk, DescribeZones and DeleteSnapshot of a
 * snapshot a disk was made from, as the API pages describe them.
 */

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());
beforeEach(() => emu.admin.reset());

function source(encrypted = false) {
  const s = emu.admin
    .snapshots('cn-hangzhou')
    .find((x) => x.status === 'accomplished' && x.encrypted === encrypted && x.lock === undefined);
  if (!s) throw new Error('demo world has no such snapshot');
  return s;
}

async function createDisk(params: Record<string, string>) {
  return (await popClient(emu).request(
    'CreateDisk',
    { RegionId: 'cn-hangzhou', ZoneId: 'cn-hangzhou-a', ...params },
    { method: 'POST' },
  )) as { DiskId: string };
}

async function describeDisks(params: Record<string, string>) {
  return (await popClient(emu).request('DescribeDisks', {
    RegionId: 'cn-hangzhou',
    ...params,
  })) as {
    Disks: {
      Disk: {
        DiskId: string;
        Status: string;
        Size: number;
        Encrypted: boolean;
        SourceSnapshotId: string;
      }[];
    };
    NextToken: string;
  };
}

describe('CreateDisk from a snapshot', () => {
  it('is Creating until filled (virtual time), then Available, with the snapshot disk size', async () => {
    const s = source();
    const { DiskId } = await createDisk({ SnapshotId: s.snapshotId, DiskCategory: 'cloud_essd' });
    const first = await describeDisks({ DiskIds: JSON.stringify([DiskId]) });
    expect(first.Disks.Disk.map((d) => [d.Status, d.Size, d.SourceSnapshotId])).toEqual([
      ['Creating', s.sourceDiskSize, s.snapshotId],
    ]);
    emu.admin.advanceClock(3600);
    const later = await describeDisks({ DiskIds: JSON.stringify([DiskId]) });
    expect(later.Disks.Disk[0]?.Status).toBe('Available');
  });

  it('refuses a size below the source disk size (403 InvalidDiskSize.TooSmall)', async () => {
    const failure = await popFailure(createDisk({ SnapshotId: source().snapshotId, Size: '1' }));
    expect([failure.code, failure.entry.response.statusCode]).toEqual([
      'InvalidDiskSize.TooSmall',
      403,
    ]);
  });

  it('inherits encryption, and takes a KMS key only from its own region', async () => {
    const s = emu.admin.snapshots('cn-hangzhou').find((x) => x.status === 'accomplished');
    const enc = await createDisk({ SnapshotId: s!.snapshotId, Encrypted: 'true' });
    expect(
      (await describeDisks({ DiskIds: JSON.stringify([enc.DiskId]) })).Disks.Disk[0]?.Encrypted,
    ).toBe(true);
    // A key of cn-beijing does not exist in cn-hangzhou.
    const failure = await popFailure(
      createDisk({ SnapshotId: s!.snapshotId, Encrypted: 'true', KMSKeyId: 'key-demo-beijing' }),
    );
    expect([failure.code, failure.entry.response.statusCode]).toEqual([
      'InvalidParameter.KMSKeyId.NotFound',
      404,
    ]);
  });

  it('ends in the service releasing the disk when the restore-failure fault fires', async () => {
    emu.admin.setFaults({ restoreFailureRate: 1, actions: ['CreateDisk'] });
    const { DiskId } = await createDisk({ SnapshotId: source().snapshotId });
    emu.admin.advanceClock(3600);
    expect((await describeDisks({ DiskIds: JSON.stringify([DiskId]) })).Disks.Disk).toEqual([]);
  });
});

describe('DescribeDisks', () => {
  it('filters by Tag.N and SnapshotId and pages with NextToken', async () => {
    const s = source();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await createDisk({ SnapshotId: s.snapshotId, 'Tag.1.Key': 'drill', 'Tag.1.Value': 'yes' }))
          .DiskId,
      );
    }
    const seen: string[] = [];
    let token = '';
    do {
      const page = await describeDisks({
        'Tag.1.Key': 'drill',
        'Tag.1.Value': 'yes',
        SnapshotId: s.snapshotId,
        MaxResults: '2',
        ...(token ? { NextToken: token } : {}),
      });
      seen.push(...page.Disks.Disk.map((d) => d.DiskId));
      token = page.NextToken;
    } while (token);
    expect(seen.sort()).toEqual(ids.sort());
  });

  it('is served to the official Tea SDK with the same fields', async () => {
    const { DiskId } = await createDisk({ SnapshotId: source().snapshotId });
    const tea = await ecsClient(emu).describeDisks(
      new $Ecs.DescribeDisksRequest({ regionId: 'cn-hangzhou', diskIds: JSON.stringify([DiskId]) }),
    );
    expect(tea.body?.disks?.disk?.map((d) => [d.diskId, d.status])).toEqual([[DiskId, 'Creating']]);
    const zones = await ecsClient(emu).describeZones(
      new $Ecs.DescribeZonesRequest({ regionId: 'cn-hangzhou' }),
    );
    expect(zones.body?.zones?.zone?.map((z) => z.zoneId)).toEqual([
      'cn-hangzhou-a',
      'cn-hangzhou-b',
    ]);
  });
});

describe('DeleteDisk and DeleteSnapshot of a snapshot a disk was made from', () => {
  it('refuses DeleteSnapshot with 403 SnapshotCreatedDisk until the disk is deleted (Force=true overrides)', async () => {
    const s = source();
    const { DiskId } = await createDisk({ SnapshotId: s.snapshotId });
    const refused = await popFailure(
      popClient(emu).request('DeleteSnapshot', { SnapshotId: s.snapshotId }, { method: 'POST' }),
    );
    expect([refused.code, refused.entry.response.statusCode]).toEqual(['SnapshotCreatedDisk', 403]);
    // A Creating disk cannot be deleted yet.
    const early = await popFailure(
      popClient(emu).request('DeleteDisk', { DiskId }, { method: 'POST' }),
    );
    expect(early.code).toBe('IncorrectDiskStatus');
    emu.admin.advanceClock(3600);
    await popClient(emu).request('DeleteDisk', { DiskId }, { method: 'POST' });
    await popClient(emu).request(
      'DeleteSnapshot',
      { SnapshotId: s.snapshotId },
      { method: 'POST' },
    );
    expect(emu.admin.snapshots().some((x) => x.snapshotId === s.snapshotId)).toBe(false);

    const other = source();
    await createDisk({ SnapshotId: other.snapshotId });
    await popClient(emu).request(
      'DeleteSnapshot',
      { SnapshotId: other.snapshotId, Force: 'true' },
      { method: 'POST' },
    );
    expect(emu.admin.snapshots().some((x) => x.snapshotId === other.snapshotId)).toBe(false);
  });

  it('ignores an unknown DiskId, as the page says', async () => {
    await popClient(emu).request('DeleteDisk', { DiskId: 'd-nope' }, { method: 'POST' });
  });
});
