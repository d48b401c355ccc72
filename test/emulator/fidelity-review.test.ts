import { createHash, createHmac, randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { syntheticWorld } from '../../emulator/world.ts';
import { $Ecs, ecsClient, popClient, popFailure, START, start } from './support/clients.ts';
import { validCopy } from './support/copy-params.ts';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());
beforeEach(() => emu.admin.reset());

const call = (action: string, params: Record<string, unknown>) =>
  popClient(emu).request<Record<string, unknown>>(action, params, { method: 'POST' });

describe('parameters an action does not read', () => {
  it('refuses a misspelt DescribeSnapshots parameter (MaxResult) with 400 UnsupportedParameter', async () => {
    const err = await popFailure(
      call('DescribeSnapshots', { RegionId: 'cn-hangzhou', MaxResult: 5 }),
    );
    expect([err.code, err.entry.response.statusCode]).toEqual(['UnsupportedParameter', 400]);
    expect(err.message).toContain('MaxResult');
  });

  it('filters DescribeSnapshots by SnapshotLinkId, the chain of one disk in the region', async () => {
    interface Page {
      Snapshots: {
        Snapshot: { SnapshotId: string; SnapshotLinkId: string; SourceDiskId: string }[];
      };
    }
    const all = (await call('DescribeSnapshots', {
      RegionId: 'cn-hangzhou',
      MaxResults: 100,
    })) as unknown as Page;
    const first = all.Snapshots.Snapshot[0]!;
    const chain = (await call('DescribeSnapshots', {
      RegionId: 'cn-hangzhou',
      MaxResults: 100,
      SnapshotLinkId: JSON.stringify([first.SnapshotLinkId]),
    })) as unknown as Page;
    const sameDisk = all.Snapshots.Snapshot.filter((s) => s.SourceDiskId === first.SourceDiskId);
    expect(chain.Snapshots.Snapshot.map((s) => s.SnapshotId)).toEqual(
      sameDisk.map((s) => s.SnapshotId),
    );
    const err = await popFailure(
      call('DescribeSnapshots', { RegionId: 'cn-hangzhou', SnapshotLinkId: '["sl-1"' }),
    );
    expect([err.code, err.entry.response.statusCode]).toEqual([
      'InvalidSnapshotLinkId.NotFound',
      404,
    ]);
  });

  it('refuses a third DescribeSnapshots Filter (only Filter.1 and Filter.2 exist)', async () => {
    const err = await popFailure(
      call('DescribeSnapshots', {
        RegionId: 'cn-hangzhou',
        'Filter.3.Key': 'CreationStartTime',
        'Filter.3.Value': '2026-05-01T00:00Z',
      }),
    );
    expect(err.code).toBe('UnsupportedParameter');
  });

  it('filters ListTagResources by TagFilter.N (key, and values when given)', async () => {
    interface Rows {
      TagResources: { TagResource: { ResourceId: string; TagKey: string; TagValue: string }[] };
    }
    const byTag = (await call('ListTagResources', {
      RegionId: 'cn-hangzhou',
      ResourceType: 'snapshot',
      'Tag.1.Key': 'dr',
    })) as unknown as Rows;
    const withApp = (await call('ListTagResources', {
      RegionId: 'cn-hangzhou',
      ResourceType: 'snapshot',
      'TagFilter.1.TagKey': 'app',
    })) as unknown as Rows;
    const apps = withApp.TagResources.TagResource.filter((r) => r.TagKey === 'app');
    expect(apps.length).toBeGreaterThan(0);
    const value = apps[0]!.TagValue;
    const oneApp = (await call('ListTagResources', {
      RegionId: 'cn-hangzhou',
      ResourceType: 'snapshot',
      'Tag.1.Key': 'dr',
      'TagFilter.1.TagKey': 'app',
      'TagFilter.1.TagValues.1': value,
    })) as unknown as Rows;
    const ids = new Set(oneApp.TagResources.TagResource.map((r) => r.ResourceId));
    expect(ids.size).toBeGreaterThan(0);
    expect(byTag.TagResources.TagResource.length).toBeGreaterThan(0);
    for (const id of ids) {
      const tags = emu.admin.snapshots('cn-hangzhou').find((s) => s.snapshotId === id)?.tags;
      expect(tags?.app).toBe(value);
    }
    const err = await popFailure(
      call('ListTagResources', {
        RegionId: 'cn-hangzhou',
        ResourceType: 'snapshot',
        'TagFilter.1.TagValues.1': 'web',
      }),
    );
    expect(err.code).toBe('InvalidTag.Mismatch');
  });

  it('refuses a CopySnapshot parameter of another action (Description) instead of dropping it', async () => {
    const err = await popFailure(call('CopySnapshot', validCopy(emu, { Description: 'x-y' })));
    expect(err.code).toBe('UnsupportedParameter');
    expect(emu.admin.snapshots('cn-beijing').filter((s) => s.sourceSnapshotId)).toHaveLength(0);
  });

  it('still accepts every parameter the official client sends for a filtered listing', async () => {
    const res = await ecsClient(emu).describeSnapshots(
      new $Ecs.DescribeSnapshotsRequest({
        regionId: 'cn-hangzhou',
        status: 'accomplished',
        snapshotType: 'all',
        maxResults: 5,
        tag: [new $Ecs.DescribeSnapshotsRequestTag({ key: 'dr', value: 'true' })],
        filter: [
          new $Ecs.DescribeSnapshotsRequestFilter({
            key: 'CreationStartTime',
            value: '2026-05-01T00:00Z',
          }),
        ],
      }),
    );
    expect(res.body?.snapshots?.snapshot?.length).toBeGreaterThan(0);
  });
});

describe('CopySnapshot RetentionDays', () => {
  it.each(['2.5', '1e3', '0', '-1', '65537', 'ten'])(
    'refuses %s with 403 InvalidRetentionDays.Malformed',
    async (value) => {
      const err = await popFailure(call('CopySnapshot', validCopy(emu, { RetentionDays: value })));
      expect([err.code, err.entry.response.statusCode]).toEqual([
        'InvalidRetentionDays.Malformed',
        403,
      ]);
    },
  );

  it('accepts the upper bound 65536 and records it on the copy', async () => {
    const { SnapshotId } = await call('CopySnapshot', validCopy(emu, { RetentionDays: 65536 }));
    expect(
      emu.admin.snapshots('cn-beijing').find((s) => s.snapshotId === SnapshotId)?.retentionDays,
    ).toBe(65536);
  });
});

describe('DescribeSnapshots creation-time filter', () => {
  it('refuses a day that does not exist (2026-02-30) with 404 InvalidFilterValue', async () => {
    const err = await popFailure(
      call('DescribeSnapshots', {
        RegionId: 'cn-hangzhou',
        'Filter.1.Key': 'CreationStartTime',
        'Filter.1.Value': '2026-02-30T10:00Z',
      }),
    );
    expect([err.code, err.entry.response.statusCode]).toEqual(['InvalidFilterValue', 404]);
  });
});

/** An ACS3-HMAC-SHA256 DescribeRegions request that signs only `signed` of its headers. */
async function acs3Request(signed: readonly string[]): Promise<{ status: number; code: string }> {
  const { accessKeyId, accessKeySecret } = emu.credentials;
  const payloadHash = createHash('sha256').update('').digest('hex');
  const headers: Record<string, string> = {
    host: `127.0.0.1:${emu.port}`,
    'x-acs-action': 'DescribeRegions',
    'x-acs-version': '2014-05-26',
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-content-sha256': payloadHash,
  };
  const names = [...signed].sort();
  const canonical = [
    'GET',
    '/',
    '',
    names.map((h) => `${h}:${headers[h] ?? ''}\n`).join(''),
    names.join(';'),
    payloadHash,
  ].join('\n');
  const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  const signature = createHmac('sha256', accessKeySecret).update(toSign).digest('hex');
  const res = await fetch(`${emu.url}/`, {
    headers: {
      ...headers,
      authorization: `ACS3-HMAC-SHA256 Credential=${accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`,
    },
  });
  const body = (await res.json()) as { Code?: string };
  return { status: res.status, code: body.Code ?? 'OK' };
}

describe('ACS3 signed headers', () => {
  const all = [
    'host',
    'x-acs-action',
    'x-acs-content-sha256',
    'x-acs-date',
    'x-acs-signature-nonce',
    'x-acs-version',
  ];

  it('accepts a request that signs host and every x-acs-* header', async () => {
    expect(await acs3Request(all)).toEqual({ status: 200, code: 'OK' });
  });

  it('refuses a request whose x-acs-date is left out of SignedHeaders (400 IncompleteSignature)', async () => {
    expect(await acs3Request(all.filter((h) => h !== 'x-acs-date'))).toEqual({
      status: 400,
      code: 'IncompleteSignature',
    });
  });

  it('refuses a request whose x-acs-action is left out of SignedHeaders', async () => {
    const res = await acs3Request(all.filter((h) => h !== 'x-acs-action'));
    expect(res.code).toBe('IncompleteSignature');
  });
});

/** A signature-v1 GET of DescribeRegions with exactly `params` besides the signed basics. */
async function v1Request(
  params: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; code: string }> {
  const { accessKeyId, accessKeySecret } = emu.credentials;
  const all: Record<string, string> = {
    Action: 'DescribeRegions',
    Version: '2014-05-26',
    AccessKeyId: accessKeyId,
    SignatureNonce: randomUUID(),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...params,
  };
  const enc = (v: string) =>
    encodeURIComponent(v).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  const canonical = Object.keys(all)
    .sort()
    .map((k) => `${enc(k)}=${enc(all[k] ?? '')}`)
    .join('&');
  const signature = createHmac('sha1', `${accessKeySecret}&`)
    .update(`${method}&${enc('/')}&${enc(canonical)}`)
    .digest('base64');
  const res = await fetch(`${emu.url}/?${canonical}&Signature=${enc(signature)}`, { method });
  const text = await res.text();
  const body = (
    text.startsWith('<')
      ? (new XMLParser().parse(text) as { Error?: { Code?: string } }).Error
      : JSON.parse(text)
  ) as { Code?: string } | undefined;
  return { status: res.status, code: body?.Code ?? 'OK' };
}

describe('signature v1 common parameters', () => {
  const signing = { SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0' };

  it('answers a request with Format=JSON', async () => {
    expect(await v1Request({ ...signing, Format: 'JSON' })).toEqual({ status: 200, code: 'OK' });
  });

  it('answers Format=XML, and a request without Format (the documented default is XML)', async () => {
    expect(await v1Request({ ...signing, Format: 'XML' })).toEqual({ status: 200, code: 'OK' });
    expect(await v1Request(signing)).toEqual({ status: 200, code: 'OK' });
  });

  it('refuses another Format with 400 InvalidParameter', async () => {
    expect(await v1Request({ ...signing, Format: 'YAML' })).toEqual({
      status: 400,
      code: 'InvalidParameter',
    });
  });

  it('refuses SignatureVersion 2.0 with InvalidParameter', async () => {
    const res = await v1Request({ ...signing, SignatureVersion: '2.0', Format: 'JSON' });
    expect(res.code).toBe('InvalidParameter');
  });

  it('refuses a correctly signed PUT with 404 InvalidApi.NotFound (RPC is GET and POST)', async () => {
    expect(await v1Request({ ...signing, Format: 'JSON' }, 'PUT')).toEqual({
      status: 404,
      code: 'InvalidApi.NotFound',
    });
  });

  it('refuses a request without SignatureMethod with MissingParameter', async () => {
    const res = await v1Request({ SignatureVersion: '1.0', Format: 'JSON' });
    expect(res.code).toBe('MissingParameter');
  });
});

describe('CopySnapshot ClientToken format', () => {
  it.each([
    ['65 characters', 'x'.repeat(65)],
    ['a non-ASCII character', 'token-é'],
  ])('refuses a token of %s with 400 InvalidClientToken.ValueNotSupported', async (_, token) => {
    const err = await popFailure(call('CopySnapshot', validCopy(emu, { ClientToken: token })));
    expect([err.code, err.entry.response.statusCode]).toEqual([
      'InvalidClientToken.ValueNotSupported',
      400,
    ]);
  });
});

describe('DescribeSnapshots tag queries', () => {
  interface TagPage {
    NextToken: string;
    TotalCount: number;
    Snapshots: { Snapshot: { SnapshotId: string }[] };
  }
  let big: RunningEmulator;
  beforeAll(async () => {
    // 1 200 snapshots tagged dr=true in one region: more than a tag query may show.
    big = await start({
      world: syntheticWorld({
        regions: ['cn-hangzhou'],
        disksPerRegion: 60,
        snapshotsPerDisk: 20,
        now: START,
        tagged: { dr: 'true' },
      }),
    });
  });
  afterAll(() => big.stop());

  const tagQuery = { RegionId: 'cn-hangzhou', 'Tag.1.Key': 'dr', 'Tag.1.Value': 'true' };

  it('shows at most 1 000 snapshots across NextToken pages, as documented', async () => {
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page: TagPage = await popClient(big).request<TagPage>('DescribeSnapshots', {
        ...tagQuery,
        MaxResults: 100,
        ...(token !== undefined && { NextToken: token }),
      });
      for (const s of page.Snapshots.Snapshot) seen.add(s.SnapshotId);
      token = page.NextToken || undefined;
    } while (token !== undefined);
    expect(seen.size).toBe(1000);
  });

  it('shows at most 1 000 snapshots with PageNumber/PageSize (TotalCount included)', async () => {
    const page = await popClient(big).request<TagPage>('DescribeSnapshots', {
      ...tagQuery,
      PageNumber: 11,
      PageSize: 100,
    });
    expect([page.TotalCount, page.Snapshots.Snapshot.length]).toEqual([1000, 0]);
  });

  it('lists all 1 200 without a tag filter', async () => {
    const page = await popClient(big).request<TagPage>('DescribeSnapshots', {
      RegionId: 'cn-hangzhou',
      PageSize: 10,
    });
    expect(page.TotalCount).toBe(1200);
  });
});
