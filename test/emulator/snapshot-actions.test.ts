import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import {
  $Ecs,
  demoSnapshot,
  ecsClient,
  KMS_VERSION,
  popClient,
  popFailure,
  start,
} from './support/clients.ts';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());
beforeEach(() => emu.admin.reset());

interface TagRows {
  NextToken: string;
  TagResources: {
    TagResource: { ResourceId: string; ResourceType: string; TagKey: string; TagValue: string }[];
  };
}

describe('DescribeRegions', () => {
  it('lists the world regions with endpoints through both clients', async () => {
    const pop = await popClient(emu).request<{
      Regions: { Region: { RegionId: string; Status: string }[] };
    }>('DescribeRegions', {}, { method: 'POST' });
    expect(pop.Regions.Region).toContainEqual(
      expect.objectContaining({ RegionId: 'ap-southeast-1', Status: 'available' }),
    );
    const tea = await ecsClient(emu).describeRegions(new $Ecs.DescribeRegionsRequest({}));
    expect(tea.body?.regions?.region?.map((r) => r.regionId)).toEqual(
      pop.Regions.Region.map((r) => r.RegionId),
    );
  });
});

describe('DeleteSnapshot', () => {
  it('deletes by SnapshotId alone, logging the call under the snapshot region', async () => {
    const s = demoSnapshot(emu, 'cn-shanghai');
    await popClient(emu).request('DeleteSnapshot', { SnapshotId: s.snapshotId });
    expect(emu.admin.snapshots('cn-shanghai').map((x) => x.snapshotId)).not.toContain(s.snapshotId);
    expect(emu.admin.calls({ action: 'DeleteSnapshot' }).at(-1)).toMatchObject({
      region: 'cn-shanghai',
      code: 'OK',
    });
  });

  it('answers 404 InvalidSnapshotId.NotFound for an unknown snapshot', async () => {
    const err = await popFailure(
      popClient(emu).request('DeleteSnapshot', { SnapshotId: 's-bpgone' }, { method: 'POST' }),
    );
    expect(err.code).toBe('InvalidSnapshotId.NotFound');
    expect(err.entry.response.statusCode).toBe(404);
  });

  it('deletes through the official client', async () => {
    const s = demoSnapshot(emu, 'cn-shenzhen');
    const res = await ecsClient(emu).deleteSnapshot(
      new $Ecs.DeleteSnapshotRequest({ snapshotId: s.snapshotId, force: true }),
    );
    expect(res.statusCode).toBe(200);
    expect(emu.admin.snapshots('cn-shenzhen').map((x) => x.snapshotId)).not.toContain(s.snapshotId);
  });
});

describe('DescribeSnapshotsUsage', () => {
  it('counts the region snapshots and their bytes', async () => {
    const body = await popClient(emu).request<{ SnapshotCount: number; SnapshotSize: number }>(
      'DescribeSnapshotsUsage',
      {
        RegionId: 'cn-hangzhou',
      },
    );
    const model = emu.admin.snapshots('cn-hangzhou');
    expect(body.SnapshotCount).toBe(model.length);
    expect(body.SnapshotSize).toBe(model.reduce((n, s) => n + s.sourceDiskSize * 1024 ** 3, 0));
    const tea = await ecsClient(emu).describeSnapshotsUsage(
      new $Ecs.DescribeSnapshotsUsageRequest({ regionId: 'cn-hangzhou' }),
    );
    expect(tea.body?.snapshotCount).toBe(model.length);
  });
});

describe('TagResources / ListTagResources', () => {
  it('tags snapshots and lists them back by id and by tag', async () => {
    const [a, b] = emu.admin.snapshots('cn-hangzhou');
    await popClient(emu).request(
      'TagResources',
      {
        RegionId: 'cn-hangzhou',
        ResourceType: 'snapshot',
        'ResourceId.1': a!.snapshotId,
        'ResourceId.2': b!.snapshotId,
        'Tag.1.Key': 'rehearsal',
        'Tag.1.Value': 'q3',
      },
      { method: 'POST' },
    );
    const byTag = await popClient(emu).request<TagRows>('ListTagResources', {
      RegionId: 'cn-hangzhou',
      ResourceType: 'snapshot',
      'Tag.1.Key': 'rehearsal',
      'Tag.1.Value': 'q3',
    });
    const ids = new Set(byTag.TagResources.TagResource.map((r) => r.ResourceId));
    expect(ids).toEqual(new Set([a!.snapshotId, b!.snapshotId]));
    const byId = await ecsClient(emu).listTagResources(
      new $Ecs.ListTagResourcesRequest({
        regionId: 'cn-hangzhou',
        resourceType: 'snapshot',
        resourceId: [a!.snapshotId],
      }),
    );
    expect(byId.body?.tagResources?.tagResource).toContainEqual(
      expect.objectContaining({ resourceId: a!.snapshotId, tagKey: 'rehearsal', tagValue: 'q3' }),
    );
  });

  it('makes new tags findable by DescribeSnapshots Tag.N', async () => {
    const s = demoSnapshot(emu, 'cn-hangzhou');
    await ecsClient(emu).tagResources(
      new $Ecs.TagResourcesRequest({
        regionId: 'cn-hangzhou',
        resourceType: 'snapshot',
        resourceId: [s.snapshotId],
        tag: [new $Ecs.TagResourcesRequestTag({ key: 'dr', value: 'later' })],
      }),
    );
    const page = await popClient(emu).request<{
      Snapshots: { Snapshot: { SnapshotId: string }[] };
    }>('DescribeSnapshots', {
      RegionId: 'cn-hangzhou',
      'Tag.1.Key': 'dr',
      'Tag.1.Value': 'later',
    });
    expect(page.Snapshots.Snapshot.map((x) => x.SnapshotId)).toEqual([s.snapshotId]);
  });

  it.each([
    [{ ResourceType: 'instance' }, 'InvalidResourceType.NotSupported'],
    [{ 'ResourceId.1': 's-bpmissing' }, 'InvalidResourceId.NotFound'],
    [{ 'Tag.1.Key': 'aliyun-x' }, 'InvalidTagKey.Malformed'],
  ])('rejects %j with %s', async (override, code) => {
    const s = demoSnapshot(emu, 'cn-hangzhou');
    const err = await popFailure(
      popClient(emu).request('TagResources', {
        RegionId: 'cn-hangzhou',
        ResourceType: 'snapshot',
        'ResourceId.1': s.snapshotId,
        'Tag.1.Key': 'k',
        'Tag.1.Value': 'v',
        ...override,
      }),
    );
    expect(err.code).toBe(code);
  });
});

describe('KMS DescribeKey', () => {
  const describeKey = (region: string, keyId: string, method = 'GET') =>
    popClient(emu, KMS_VERSION).request<{ KeyMetadata: Record<string, string> }>(
      'DescribeKey',
      { RegionId: region, KeyId: keyId },
      { method },
    );

  it('describes an enabled key with its ARN', async () => {
    const body = await describeKey('cn-beijing', 'key-demo-beijing', 'POST');
    expect(body.KeyMetadata).toMatchObject({
      KeyId: 'key-demo-beijing',
      KeyState: 'Enabled',
      KeySpec: 'Aliyun_AES_256',
      Arn: 'acs:kms:cn-beijing:1234567890123456:key/key-demo-beijing',
    });
  });

  it('reports Disabled and PendingDeletion (with DeleteDate) as states, not errors', async () => {
    expect((await describeKey('cn-beijing', 'key-demo-disabled')).KeyMetadata.KeyState).toBe(
      'Disabled',
    );
    emu.admin.setKeyState('ap-southeast-1', 'key-demo-singapore', 'PendingDeletion');
    const pending = await describeKey('ap-southeast-1', 'key-demo-singapore');
    expect(pending.KeyMetadata.KeyState).toBe('PendingDeletion');
    expect(pending.KeyMetadata.DeleteDate).toMatch(/Z$/);
  });

  it('finds a key only in its own region', async () => {
    const err = await popFailure(describeKey('cn-hangzhou', 'key-demo-beijing'));
    expect(err.code).toBe('Forbidden.KeyNotFound');
  });

  it.each([
    ['its ARN', 'acs:kms:cn-beijing:1234567890123456:key/key-demo-beijing'],
    ['an alias', 'alias/dr-demo'],
    ['an alias ARN', 'acs:kms:cn-beijing:1234567890123456:alias/dr-demo'],
  ])('describes a key referenced by %s', async (_how, reference) => {
    const body = await describeKey('cn-beijing', reference);
    expect(body.KeyMetadata.KeyId).toBe('key-demo-beijing');
  });

  it.each([
    ['an ARN of another region', 'acs:kms:cn-beijing:1234567890123456:key/key-demo-beijing'],
    ['an ARN of another account', 'acs:kms:cn-hangzhou:9999999999999999:key/key-demo-hangzhou'],
    ['an unknown alias', 'alias/no-such-alias'],
  ])('answers Forbidden.KeyNotFound (404) for %s', async (_how, reference) => {
    const err = await popFailure(describeKey('cn-hangzhou', reference));
    expect(err.code).toBe('Forbidden.KeyNotFound');
    expect(err.entry.response.statusCode).toBe(404);
  });

  it('refuses copies under a key the admin disabled', async () => {
    emu.admin.setKeyState('cn-beijing', 'key-demo-beijing', 'Disabled');
    const source = demoSnapshot(emu, 'cn-hangzhou', (s) => s.encrypted);
    const err = await popFailure(
      popClient(emu).request('CopySnapshot', {
        RegionId: 'cn-hangzhou',
        SnapshotId: source.snapshotId,
        DestinationRegionId: 'cn-beijing',
        DestinationSnapshotName: 'dr-copy',
        DestinationSnapshotDescription: 'dr copy',
        Encrypted: true,
        KMSKeyId: 'key-demo-beijing',
      }),
    );
    expect(err.code).toBe('InvalidParameter.KMSKeyId.CMKNotEnabled');
  });
});
