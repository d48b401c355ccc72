import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import {
  $Ecs,
  demoSnapshot,
  ecsClient,
  popClient,
  popFailure,
  start,
  teaFailure,
} from './support/clients.ts';
import { encryptedSourceCopy, validCopy } from './support/copy-params.ts';

interface Snap {
  SnapshotId: string;
  Status: string;
  Progress: string;
  SourceSnapshotId?: string;
  SourceRegionId?: string;
  SourceDiskId: string;
  Encrypted: boolean;
  KMSKeyId: string;
  RetentionDays?: number;
  Tags: { Tag: { TagKey: string; TagValue: string }[] };
}
interface Page {
  Snapshots: { Snapshot: Snap[] };
}

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());
beforeEach(() => emu.admin.reset());

const copy = (params: Record<string, unknown>, method = 'POST') =>
  popClient(emu).request<{ SnapshotId: string; RequestId: string }>('CopySnapshot', params, {
    method,
  });

async function describeOne(region: string, id: string): Promise<Snap> {
  const page = await popClient(emu).request<Page>('DescribeSnapshots', {
    RegionId: region,
    SnapshotIds: JSON.stringify([id]),
  });
  expect(page.Snapshots.Snapshot).toHaveLength(1);
  return page.Snapshots.Snapshot[0]!;
}

describe('CopySnapshot lifecycle on the virtual clock', () => {
  it('goes progressing with rising Progress to accomplished after size / throughput', async () => {
    const source = demoSnapshot(emu, 'cn-hangzhou', (s) => !s.encrypted && s.sourceDiskSize === 40);
    const { SnapshotId } = await copy(
      validCopy(emu, {
        SnapshotId: source.snapshotId,
        'Tag.1.Key': 'dr-replicator:policy',
        'Tag.1.Value': 'demo',
      }),
    );
    // 40 GiB at the default 0.5 GiB/s: 80 virtual seconds.
    const first = await describeOne('cn-beijing', SnapshotId);
    expect(first).toMatchObject({ Status: 'progressing', Progress: '0%' });
    emu.admin.advanceClock(20);
    const quarter = await describeOne('cn-beijing', SnapshotId);
    expect(quarter).toMatchObject({ Status: 'progressing', Progress: '25%' });
    emu.admin.advanceClock(40);
    expect((await describeOne('cn-beijing', SnapshotId)).Progress).toBe('75%');
    emu.admin.advanceClock(20);
    const done = await describeOne('cn-beijing', SnapshotId);
    expect(done).toMatchObject({
      Status: 'accomplished',
      Progress: '100%',
      SourceSnapshotId: source.snapshotId,
      SourceRegionId: 'cn-hangzhou',
      SourceDiskId: source.sourceDiskId,
    });
    expect(done.Tags.Tag).toEqual([{ TagKey: 'dr-replicator:policy', TagValue: 'demo' }]);
  });

  it('makes the first copy of a disk to a region full and a later one incremental', async () => {
    const [older, newer] = emu.admin
      .snapshots('cn-hangzhou')
      .filter((s) => s.sourceDiskSize === 200 && !s.encrypted && s.category === 'standard')
      .filter((s, _i, all) => s.sourceDiskId === all[0]!.sourceDiskId)
      .sort((a, b) => a.creationTime - b.creationTime);
    const full = await copy(validCopy(emu, { SnapshotId: older!.snapshotId }));
    emu.admin.advanceClock(399); // 200 GiB at 0.5 GiB/s = 400 s
    expect((await describeOne('cn-beijing', full.SnapshotId)).Status).toBe('progressing');
    emu.admin.advanceClock(1);
    expect((await describeOne('cn-beijing', full.SnapshotId)).Status).toBe('accomplished');
    const incremental = await copy(validCopy(emu, { SnapshotId: newer!.snapshotId }));
    emu.admin.advanceClock(40); // 10 % of 200 GiB
    expect((await describeOne('cn-beijing', incremental.SnapshotId)).Status).toBe('accomplished');
  });

  it('allows one unfinished copy per disk per destination', async () => {
    const [a, b] = emu.admin
      .snapshots('cn-hangzhou')
      .filter((s) => !s.encrypted && s.category === 'standard')
      .filter((s, _i, all) => s.sourceDiskId === all[0]!.sourceDiskId);
    await copy(validCopy(emu, { SnapshotId: a!.snapshotId }));
    const err = await popFailure(copy(validCopy(emu, { SnapshotId: b!.snapshotId })));
    expect(err.code).toBe('InvalidOperation.UnfinishedCrossRegionCopy');
    expect(err.entry.response.statusCode).toBe(403);
    const other = await copy(
      validCopy(emu, { SnapshotId: b!.snapshotId, DestinationRegionId: 'ap-southeast-1' }),
    );
    expect(other.SnapshotId).toMatch(/^s-t4/);
  });

  it('releases a copy when its RetentionDays end', async () => {
    const { SnapshotId } = await copy(validCopy(emu, { RetentionDays: 2 }));
    emu.admin.advanceClock(2 * 86_400 - 1);
    expect((await describeOne('cn-beijing', SnapshotId)).RetentionDays).toBe(2);
    emu.admin.advanceClock(1);
    const page = await popClient(emu).request<Page>('DescribeSnapshots', {
      RegionId: 'cn-beijing',
      SnapshotIds: JSON.stringify([SnapshotId]),
    });
    expect(page.Snapshots.Snapshot).toEqual([]);
  });

  it('ends a copy failed when the copy failure fault fires', async () => {
    emu.admin.setFaults({ copyFailureRate: 1 });
    const { SnapshotId } = await copy(validCopy(emu));
    emu.admin.advanceClock(3600);
    expect((await describeOne('cn-beijing', SnapshotId)).Status).toBe('failed');
  });
});

describe('CopySnapshot ClientToken idempotency', () => {
  it('answers the same SnapshotId for the same token and parameters, without a second copy', async () => {
    const params = validCopy(emu, { ClientToken: 'a'.repeat(64) });
    const first = await copy(params);
    const again = await copy(params, 'GET');
    expect(again.SnapshotId).toBe(first.SnapshotId);
    expect(again.RequestId).not.toBe(first.RequestId);
    expect(
      emu.admin.snapshots('cn-beijing').filter((s) => s.sourceSnapshotId === params.SnapshotId),
    ).toHaveLength(1);
  });

  it('rejects the same token with other parameters', async () => {
    await copy(validCopy(emu, { ClientToken: 'token-1' }));
    const err = await popFailure(
      copy(validCopy(emu, { ClientToken: 'token-1', DestinationSnapshotName: 'other-name' })),
    );
    expect(err.code).toBe('IdempotenceParamNotMatch');
    expect(err.entry.response.statusCode).toBe(400);
  });

  it('replays after the copy finished, still without a second copy', async () => {
    const params = validCopy(emu, { ClientToken: 'token-2' });
    const first = await copy(params);
    emu.admin.advanceClock(3600);
    expect((await copy(params)).SnapshotId).toBe(first.SnapshotId);
  });
});

describe('CopySnapshot encryption', () => {
  it('copies an encrypted source into an encrypted copy under the destination key', async () => {
    const { SnapshotId } = await copy(encryptedSourceCopy(emu));
    const snap = await describeOne('cn-beijing', SnapshotId);
    expect(snap).toMatchObject({ Encrypted: true, KMSKeyId: 'key-demo-beijing' });
  });

  it('resolves a key alias of the destination region', async () => {
    const { SnapshotId } = await copy(encryptedSourceCopy(emu, { KMSKeyId: 'alias/dr-demo' }));
    expect((await describeOne('cn-beijing', SnapshotId)).KMSKeyId).toBe('key-demo-beijing');
  });

  it('resolves a key ARN of the destination region to its key id', async () => {
    const arn = 'acs:kms:cn-beijing:1234567890123456:key/key-demo-beijing';
    const { SnapshotId } = await copy(encryptedSourceCopy(emu, { KMSKeyId: arn }));
    expect((await describeOne('cn-beijing', SnapshotId)).KMSKeyId).toBe('key-demo-beijing');
  });

  it.each([
    [
      'an encrypted source into an unencrypted copy',
      { Encrypted: false, KMSKeyId: '' },
      'InvalidEncrypted.NotSupportDecrypt',
    ],
    ['a KMSKeyId with Encrypted=false', { Encrypted: false }, 'InvalidEncrypted.NotMatchKmsKeyId'],
    [
      'a key of another region',
      { KMSKeyId: 'key-demo-singapore' },
      'InvalidParameter.KMSKeyId.NotFound',
    ],
    [
      'a key ARN of another region',
      { KMSKeyId: 'acs:kms:ap-southeast-1:1234567890123456:key/key-demo-singapore' },
      'InvalidParameter.KMSKeyId.NotFound',
    ],
  ])('refuses %s', async (_what, overrides, code) => {
    const params: Record<string, unknown> = encryptedSourceCopy(emu, overrides);
    if (params.KMSKeyId === '') delete params.KMSKeyId;
    expect((await popFailure(copy(params))).code).toBe(code);
  });
});

describe('CopySnapshot errors of the reference table', () => {
  it.each([
    [
      'the same region',
      { DestinationRegionId: 'cn-hangzhou' },
      'InvalidOperation.NotSupportCopyInSameRegion',
      403,
    ],
    [
      'an unknown destination',
      { DestinationRegionId: 'xx-nowhere-9' },
      'InvalidRegionId.NotExists',
      403,
    ],
    ['an Arn.N without Rolearn', { 'Arn.1.RoleType': 'user' }, 'InvalidParameter.Arns', 400],
    ['a missing DestinationSnapshotName', { DestinationSnapshotName: '' }, 'MissingParameter', 400],
    [
      'a name starting with http://',
      { DestinationSnapshotName: 'http://x' },
      'InvalidSnapshotName.Malformed',
      403,
    ],
    ['21 tags', Object.fromEntries([['Tag.21.Key', 'k']]), 'InvalidTagCount', 400],
  ])('refuses %s', async (_what, overrides, code, status) => {
    const params: Record<string, unknown> = validCopy(emu, overrides);
    if (params.DestinationSnapshotName === '') delete params.DestinationSnapshotName;
    const err = await popFailure(copy(params));
    expect(err.code).toBe(code);
    expect(err.entry.response.statusCode).toBe(status);
  });

  it('refuses an archive snapshot with InvalidSnapshotCategory.NotSupportCopy', async () => {
    const archive = emu.admin.snapshots('cn-shanghai').find((s) => s.category === 'archive')!;
    expect(archive.tags.dr).toBe('true');
    const err = await popFailure(
      copy(validCopy(emu, { RegionId: 'cn-shanghai', SnapshotId: archive.snapshotId })),
    );
    expect(err.code).toBe('InvalidSnapshotCategory.NotSupportCopy');
  });
});

describe('CopySnapshot through the official client (ACS3)', () => {
  it('copies with tags and reports them on the copy', async () => {
    const p = validCopy(emu);
    const res = await ecsClient(emu).copySnapshot(
      new $Ecs.CopySnapshotRequest({
        regionId: p.RegionId,
        snapshotId: p.SnapshotId,
        destinationRegionId: p.DestinationRegionId,
        destinationSnapshotName: p.DestinationSnapshotName,
        destinationSnapshotDescription: p.DestinationSnapshotDescription,
        clientToken: 'tea-token',
        tag: [
          new $Ecs.CopySnapshotRequestTag({
            key: 'dr-replicator:source-snapshot',
            value: p.SnapshotId,
          }),
        ],
      }),
    );
    const id = res.body?.snapshotId ?? '';
    const list = await ecsClient(emu, emu.credentials, 'cn-beijing').describeSnapshots(
      new $Ecs.DescribeSnapshotsRequest({
        regionId: 'cn-beijing',
        tag: [
          new $Ecs.DescribeSnapshotsRequestTag({
            key: 'dr-replicator:source-snapshot',
            value: p.SnapshotId,
          }),
        ],
      }),
    );
    const found = list.body?.snapshots?.snapshot ?? [];
    expect(found.map((s) => s.snapshotId)).toEqual([id]);
    expect(found[0]?.sourceSnapshotId).toBe(p.SnapshotId);
    expect(found[0]?.sourceRegionId).toBe('cn-hangzhou');
  });

  it('reports a refused copy with its code and status', async () => {
    const err = await teaFailure(
      ecsClient(emu).copySnapshot(
        new $Ecs.CopySnapshotRequest({
          ...{ regionId: 'cn-hangzhou', snapshotId: 's-bpmissing' },
          destinationRegionId: 'cn-beijing',
          destinationSnapshotName: 'abc',
          destinationSnapshotDescription: 'abc',
        }),
      ),
    );
    expect(err.code).toBe('InvalidSnapshotId.NotFound');
    expect(err.statusCode).toBe(403);
  });
});
