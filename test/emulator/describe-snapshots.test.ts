import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { syntheticWorld } from '../../emulator/world.ts';
import { $Ecs, ecsClient, popClient, popFailure, START, start } from './support/clients.ts';

interface Snap {
  SnapshotId: string;
  Status: string;
  SnapshotType: string;
  Category: string;
  Encrypted: boolean;
  SourceDiskId: string;
  SourceDiskType: string;
  CreationTime: string;
  Tags: { Tag: { TagKey: string; TagValue: string }[] };
}
interface Page {
  TotalCount: number;
  NextToken: string;
  PageNumber?: number;
  PageSize?: number;
  Snapshots: { Snapshot: Snap[] };
}

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());

const describeSnapshots = (params: Record<string, unknown>, method = 'GET') =>
  popClient(emu).request<Page>('DescribeSnapshots', params, { method });

/** Follows NextToken to the end; returns every id in order. */
async function allPages(params: Record<string, unknown>, maxResults: number): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await describeSnapshots(
      { ...params, MaxResults: maxResults, ...(token && { NextToken: token }) },
      'POST',
    );
    expect(page.Snapshots.Snapshot.length).toBeLessThanOrEqual(maxResults);
    ids.push(...page.Snapshots.Snapshot.map((s) => s.SnapshotId));
    token = page.NextToken || undefined;
  } while (token !== undefined);
  return ids;
}

describe('DescribeSnapshots filters', () => {
  const model = () => emu.admin.snapshots('cn-hangzhou');

  it('returns a region newest first', async () => {
    const page = await describeSnapshots({ RegionId: 'cn-hangzhou', PageSize: 100 });
    const times = page.Snapshots.Snapshot.map((s) => s.CreationTime);
    expect(times).toEqual([...times].sort().reverse());
    expect(page.TotalCount).toBe(model().length);
  });

  it('filters by Tag.N (all must match)', async () => {
    const page = await describeSnapshots({
      RegionId: 'cn-hangzhou',
      PageSize: 100,
      'Tag.1.Key': 'dr',
      'Tag.1.Value': 'true',
      'Tag.2.Key': 'app',
      'Tag.2.Value': 'db-primary',
    });
    const expected = model().filter((s) => s.tags.dr === 'true' && s.tags.app === 'db-primary');
    expect(expected.length).toBeGreaterThan(0);
    expect(page.Snapshots.Snapshot.map((s) => s.SnapshotId).sort()).toEqual(
      expected.map((s) => s.snapshotId).sort(),
    );
  });

  it('filters by DiskId, InstanceId, Encrypted, SnapshotType, Category and SourceDiskType', async () => {
    const disk = model().find((s) => s.encrypted)!;
    const cases: [Record<string, unknown>, (s: ReturnType<typeof model>[number]) => boolean][] = [
      [{ DiskId: disk.sourceDiskId }, (s) => s.sourceDiskId === disk.sourceDiskId],
      [{ InstanceId: disk.instanceId }, (s) => s.instanceId === disk.instanceId],
      [{ Encrypted: true }, (s) => s.encrypted],
      [{ SnapshotType: 'auto' }, (s) => s.snapshotType === 'auto'],
      [{ Category: 'Standard' }, (s) => s.category === 'standard'],
      [{ SourceDiskType: 'Data' }, (s) => s.sourceDiskType === 'data'],
    ];
    for (const [filter, pick] of cases) {
      const page = await describeSnapshots({ RegionId: 'cn-hangzhou', PageSize: 100, ...filter });
      expect(
        page.Snapshots.Snapshot.map((s) => s.SnapshotId).sort(),
        JSON.stringify(filter),
      ).toEqual(
        model()
          .filter(pick)
          .map((s) => s.snapshotId)
          .sort(),
      );
    }
  });

  it('filters by Status', async () => {
    const page = await describeSnapshots({ RegionId: 'cn-shenzhen', Status: 'progressing' });
    expect(page.Snapshots.Snapshot.map((s) => s.Status)).toEqual(['progressing']);
  });

  it('filters by SnapshotIds (a JSON array) and leaves unknown ids out', async () => {
    const [a, b] = model();
    const page = await describeSnapshots({
      RegionId: 'cn-hangzhou',
      SnapshotIds: JSON.stringify([a!.snapshotId, 's-unknown', b!.snapshotId]),
    });
    expect(page.Snapshots.Snapshot.map((s) => s.SnapshotId).sort()).toEqual(
      [a!.snapshotId, b!.snapshotId].sort(),
    );
  });

  it('filters by CreationStartTime / CreationEndTime at minute precision', async () => {
    const from = `${new Date(START.getTime() - 3 * 86_400_000).toISOString().slice(0, 16)}Z`;
    const to = `${new Date(START.getTime() - 86_400_000).toISOString().slice(0, 16)}Z`;
    const page = await describeSnapshots({
      RegionId: 'cn-hangzhou',
      PageSize: 100,
      'Filter.1.Key': 'CreationStartTime',
      'Filter.1.Value': from,
      'Filter.2.Key': 'CreationEndTime',
      'Filter.2.Value': to,
    });
    const expected = model().filter(
      (s) => s.creationTime >= Date.parse(from) && s.creationTime <= Date.parse(to),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(page.Snapshots.Snapshot.map((s) => s.SnapshotId).sort()).toEqual(
      expected.map((s) => s.snapshotId).sort(),
    );
  });

  it.each([
    [
      { SnapshotIds: JSON.stringify(Array.from({ length: 101 }, (_, i) => `s-${i}`)) },
      'InvalidSnapshotIds.Malformed',
      403,
    ],
    [{ SnapshotIds: 's-1,s-2' }, 'InvalidSnapshotIds.Malformed', 403],
    [{ 'Tag.21.Key': 'k', 'Tag.21.Value': 'v' }, 'InvalidTagCount', 400],
    [{ 'Tag.1.Value': 'v' }, 'InvalidTag.Mismatch', 400],
    [
      { 'Filter.1.Key': 'CreationStartTime', 'Filter.1.Value': '2026-06-01T08:00:00Z' },
      'InvalidFilterValue',
      404,
    ],
    [
      { 'Filter.1.Key': 'ModifiedTime', 'Filter.1.Value': '2026-06-01T08:00Z' },
      'InvalidFilterKey.NotFound',
      404,
    ],
    [{ Status: 'done' }, 'InvalidStatus.NotFound', 404],
    [{ SnapshotType: 'manual' }, 'InvalidSnapshotType.NotFound', 404],
    [{ Category: 'Premium' }, 'InvalidSnapshotCategory.Malformed', 403],
    [{ SourceDiskType: 'root' }, 'InvalidSourceDiskType', 404],
    [{ Usage: 'everything' }, 'InvalidUsage', 404],
    [{ MaxResults: 101 }, 'InvalidParameter', 400],
    [{ DryRun: true }, 'DryRunOperation', 400],
    [{ RegionId: 'nowhere' }, 'InvalidRegionId.MalFormed', 400],
  ])('rejects %j with %s (%i)', async (params, code, status) => {
    const err = await popFailure(describeSnapshots({ RegionId: 'cn-hangzhou', ...params }));
    expect(err.code).toBe(code);
    expect(err.entry.response.statusCode).toBe(status);
  });
});

describe('DescribeSnapshots pagination', () => {
  it('walks every snapshot exactly once with MaxResults and NextToken', async () => {
    const ids = await allPages({ RegionId: 'cn-hangzhou' }, 7);
    expect(ids).toHaveLength(emu.admin.snapshots('cn-hangzhou').length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('defaults to 10 a page and ends with an empty NextToken', async () => {
    const page = await describeSnapshots({ RegionId: 'cn-shenzhen', MaxResults: 10 });
    expect(page.Snapshots.Snapshot).toHaveLength(10);
    expect(page.NextToken).not.toBe('');
    const small = await describeSnapshots({ RegionId: 'cn-shenzhen', MaxResults: 100 });
    expect(small.NextToken).toBe('');
  });

  it('pages with PageNumber / PageSize and reports TotalCount', async () => {
    const total = emu.admin.snapshots('cn-shanghai').length;
    const p1 = await describeSnapshots({ RegionId: 'cn-shanghai', PageNumber: 1, PageSize: 10 });
    const p2 = await describeSnapshots({ RegionId: 'cn-shanghai', PageNumber: 2, PageSize: 10 });
    expect(p1).toMatchObject({ TotalCount: total, PageNumber: 1, PageSize: 10 });
    expect(p2.Snapshots.Snapshot.map((s) => s.SnapshotId)).not.toContain(
      p1.Snapshots.Snapshot[0]!.SnapshotId,
    );
  });

  it('rejects a NextToken it did not issue', async () => {
    const err = await popFailure(
      describeSnapshots({ RegionId: 'cn-hangzhou', MaxResults: 5, NextToken: 'garbage' }),
    );
    expect(err.code).toBe('InvalidNextToken.Malformed');
  });

  it('pages through the official client too', async () => {
    const client = ecsClient(emu);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const res = await client.describeSnapshots(
        new $Ecs.DescribeSnapshotsRequest({
          regionId: 'cn-hangzhou',
          maxResults: 20,
          status: 'accomplished',
          ...(nextToken && { nextToken }),
        }),
      );
      seen.push(...(res.body?.snapshots?.snapshot ?? []).map((s) => s.snapshotId ?? ''));
      nextToken = res.body?.nextToken || undefined;
    } while (nextToken !== undefined);
    expect(seen).toHaveLength(
      emu.admin.snapshots('cn-hangzhou').filter((s) => s.status === 'accomplished').length,
    );
  });
});

describe('DescribeSnapshots at 100 000 snapshots', () => {
  it('pages a tag-filtered region and a disk consistently with the model', async () => {
    const big = await start({
      world: syntheticWorld({
        regions: ['cn-hangzhou'],
        disksPerRegion: 2000,
        snapshotsPerDisk: 50,
        now: START,
        tagged: { dr: 'true' },
        taggedFraction: 0.5,
      }),
    });
    try {
      expect(big.admin.snapshots().length).toBe(100_000);
      const client = popClient(big);
      const page = await client.request<Page>('DescribeSnapshots', {
        RegionId: 'cn-hangzhou',
        MaxResults: 100,
        'Tag.1.Key': 'dr',
        'Tag.1.Value': 'true',
        Status: 'accomplished',
      });
      expect(page.Snapshots.Snapshot).toHaveLength(100);
      expect(page.Snapshots.Snapshot.every((s) => s.Tags.Tag.some((t) => t.TagKey === 'dr'))).toBe(
        true,
      );
      const disk = page.Snapshots.Snapshot[0]!.SourceDiskId;
      const byDisk = await client.request<Page>('DescribeSnapshots', {
        RegionId: 'cn-hangzhou',
        MaxResults: 100,
        DiskId: disk,
      });
      expect(byDisk.Snapshots.Snapshot).toHaveLength(50);
    } finally {
      await big.stop();
    }
  });
});
