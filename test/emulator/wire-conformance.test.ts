import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SERVICES } from '../../emulator/actions/registry.ts';
import type { RunningEmulator } from '../../emulator/index.ts';
import { demoSnapshot, ECS_VERSION, KMS_VERSION, popClient, start } from './support/clients.ts';
import {
  type ConformanceRow,
  readTable,
  renderTable,
  writeTable,
} from './support/conformance-table.ts';
import { validCopy } from './support/copy-params.ts';
import { asXmlData, type RawAnswer, rawRpc, type Signature } from './support/raw-rpc.ts';
import { fieldPaths, loadWireSamples, wireTypeMismatches } from './support/wire-types.ts';

/**
 * Every emulator action driven as a client other than our SDKs would drive it: signature v1 and
 * ACS3, JSON and XML, region from the Host header; each JSON answer checked field by field
 * against a documented or captured sample (test/fixtures/wire-samples.json), each XML answer
 * against the JSON one. The last test renders what passed into emulator/README.md's table.
 */

let emu: RunningEmulator;
const samples = loadWireSamples();
const rows = new Map<string, ConformanceRow>();

const SIGNATURES: readonly Signature[] = ['v1', 'acs3'];
const FORMATS = ['JSON', 'XML'] as const;
/** Fixed so that every variant of the CopySnapshot case replays the first copy. */
const COPY_TOKEN = 'wire-conformance-copy-1';

interface ErrorCase {
  params: () => Record<string, string>;
  code: string;
  status: number;
}

interface Case {
  action: string;
  product: 'ECS' | 'KMS';
  /** Parameters of a successful call (variant n of the matrix, for actions that consume state). */
  params: (n: number) => Record<string, string>;
  /** A documented error: parameters, code and HTTP status. */
  error: ErrorCase;
  /** Further documented errors of the action's page. */
  moreErrors?: ErrorCase[];
  /** Puts back the state a successful call consumes (UnlockSnapshot needs a lock each time). */
  before?: () => Promise<void>;
}

const str = (o: Record<string, string | number | boolean>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));

/** Demo snapshots of cn-shenzhen, one deleted per DeleteSnapshot variant. */
let deletable: string[] = [];
let taggable = '';
/** Available disks made from a snapshot, one deleted per DeleteDisk variant. */
const deletableDisks: string[] = [];
/** A disk still Creating (DeleteDisk refuses it). */
let creatingDisk = '';
/** A cn-hangzhou snapshot locked past cool-off (every LockSnapshot variant extends it alike). */
let lockedId = '';
/** A cn-hangzhou snapshot the UnlockSnapshot case locks (in cool-off) before each call. */
let unlockableId = '';
const LOCK_DAYS = 2;
const DAY_MS = 86_400_000;
const lockParams = (id: string, coolOffHours: number, days = LOCK_DAYS) => ({
  RegionId: 'cn-hangzhou',
  SnapshotId: id,
  LockMode: 'compliance',
  LockDuration: String(days),
  CoolOffPeriod: String(coolOffHours),
});

const CASES: Case[] = [
  {
    action: 'DescribeRegions',
    product: 'ECS',
    params: () => ({}),
    error: {
      params: () => ({ AcceptLanguage: 'en-US', Langauge: 'en' }),
      code: 'UnsupportedParameter',
      status: 400,
    },
  },
  {
    action: 'DescribeSnapshots',
    product: 'ECS',
    params: () => ({ RegionId: 'cn-beijing', MaxResults: '100' }),
    error: {
      params: () => ({ RegionId: 'cn-hangzhou', Status: 'nope' }),
      code: 'InvalidStatus.NotFound',
      status: 404,
    },
    moreErrors: [
      {
        params: () => ({ RegionId: 'cn-hangzhou', 'Tag.1.Value': 'true' }),
        code: 'InvalidTag.Mismatch',
        status: 400,
      },
      {
        params: () => ({
          RegionId: 'cn-hangzhou',
          SnapshotIds: JSON.stringify(Array.from({ length: 101 }, (_, i) => `s-${i}`)),
        }),
        code: 'InvalidSnapshotIds.Malformed',
        status: 403,
      },
      {
        params: () => ({ RegionId: 'cn-hangzhou', Category: 'nope' }),
        code: 'InvalidSnapshotCategory.Malformed',
        status: 403,
      },
      {
        params: () => ({
          RegionId: 'cn-hangzhou',
          'Filter.1.Key': 'CreationTime',
          'Filter.1.Value': '2026-05-01T00:00Z',
        }),
        code: 'InvalidFilterKey.NotFound',
        status: 404,
      },
      {
        params: () => ({
          RegionId: 'cn-hangzhou',
          'Filter.1.Key': 'CreationStartTime',
          'Filter.1.Value': '2026-05-01',
        }),
        code: 'InvalidFilterValue',
        status: 404,
      },
      {
        params: () => ({ RegionId: 'cn-hangzhou', Usage: 'nope' }),
        code: 'InvalidUsage',
        status: 404,
      },
      {
        params: () => ({ RegionId: 'cn-hangzhou', SourceDiskType: 'nope' }),
        code: 'InvalidSourceDiskType',
        status: 404,
      },
      {
        params: () => ({ RegionId: 'cn-hangzhou', SnapshotType: 'nope' }),
        code: 'InvalidSnapshotType.NotFound',
        status: 404,
      },
      {
        params: () => ({ RegionId: 'cn-hangzhou', SnapshotLinkId: '["sl-1"' }),
        code: 'InvalidSnapshotLinkId.NotFound',
        status: 404,
      },
    ],
  },
  {
    action: 'CopySnapshot',
    product: 'ECS',
    params: () =>
      str(
        validCopy(emu, {
          DestinationRegionId: 'cn-shanghai',
          ClientToken: COPY_TOKEN,
          ResourceGroupId: 'rg-conformance',
        }),
      ),
    error: {
      params: () => str(validCopy(emu, { SnapshotId: 's-does-not-exist' })),
      code: 'InvalidSnapshotId.NotFound',
      status: 403,
    },
    moreErrors: [
      {
        params: () => str(validCopy(emu, { RegionId: 'CN_HANGZHOU' })),
        code: 'InvalidRegionId.MalFormed',
        status: 400,
      },
      {
        params: () =>
          str(validCopy(emu, { 'Tag.1.Key': 'a', 'Tag.1.Value': '1', 'Tag.2.Key': 'a' })),
        code: 'Duplicate.TagKey',
        status: 400,
      },
      {
        params: () => str(validCopy(emu, { 'Tag.1.Key': 'acs:x' })),
        code: 'InvalidTagKey.Malformed',
        status: 400,
      },
      {
        params: () => str(validCopy(emu, { DestinationSnapshotName: '1-starts-with-digit' })),
        code: 'InvalidSnapshotName.Malformed',
        status: 403,
      },
      {
        params: () => str(validCopy(emu, { DestinationSnapshotDescription: 'x' })),
        code: 'InvalidDescription.Malformed',
        status: 403,
      },
      {
        params: () => str(validCopy(emu, { RetentionDays: 0 })),
        code: 'InvalidRetentionDays.Malformed',
        status: 403,
      },
      {
        params: () => str(validCopy(emu, { DestinationRegionId: 'cn-hangzhou' })),
        code: 'InvalidOperation.NotSupportCopyInSameRegion',
        status: 403,
      },
      {
        params: () => str(validCopy(emu, { DestinationRegionId: 'xx-nowhere-1' })),
        code: 'InvalidRegionId.NotExists',
        status: 403,
      },
      {
        params: () => str(validCopy(emu, { KMSKeyId: 'key-demo-beijing' })),
        code: 'InvalidEncrypted.NotMatchKmsKeyId',
        status: 403,
      },
      {
        params: () => str(validCopy(emu, { 'Arn.1.RoleType': 'user' })),
        code: 'InvalidParameter.Arns',
        status: 400,
      },
    ],
  },
  {
    action: 'DeleteSnapshot',
    product: 'ECS',
    params: (n) => ({ SnapshotId: deletable[n] ?? 'missing-fixture' }),
    error: {
      params: () => ({ SnapshotId: 's-does-not-exist' }),
      code: 'InvalidSnapshotId.NotFound',
      status: 404,
    },
    moreErrors: [
      {
        // Undocumented for a locked snapshot: the nearest documented code (emulator/README.md).
        params: () => ({ SnapshotId: lockedId }),
        code: 'InvalidOperation.CoolOffPeriodExpired',
        status: 403,
      },
    ],
  },
  {
    action: 'DescribeSnapshotsUsage',
    product: 'ECS',
    params: () => ({ RegionId: 'cn-hangzhou' }),
    error: {
      params: () => ({ RegionId: 'xx-nowhere-9' }),
      code: 'InvalidRegionId.MalFormed',
      status: 400,
    },
  },
  {
    action: 'TagResources',
    product: 'ECS',
    params: () => ({
      RegionId: 'cn-hangzhou',
      ResourceType: 'snapshot',
      'ResourceId.1': taggable,
      'Tag.1.Key': 'team',
      'Tag.1.Value': 'dr',
    }),
    error: {
      params: () => ({
        RegionId: 'cn-hangzhou',
        ResourceType: 'snapshot',
        'ResourceId.1': 's-does-not-exist',
        'Tag.1.Key': 'team',
      }),
      code: 'InvalidResourceId.NotFound',
      status: 404,
    },
  },
  {
    action: 'ListTagResources',
    product: 'ECS',
    params: () => ({
      RegionId: 'cn-hangzhou',
      ResourceType: 'snapshot',
      'Tag.1.Key': 'dr',
      'Tag.1.Value': 'true',
    }),
    error: {
      params: () => ({ RegionId: 'cn-hangzhou', ResourceType: 'instance', 'Tag.1.Key': 'dr' }),
      code: 'InvalidResourceType.NotSupported',
      status: 400,
    },
  },
  {
    action: 'LockSnapshot',
    product: 'ECS',
    params: () => lockParams(lockedId, 0),
    error: {
      params: () => lockParams('s-does-not-exist', 0),
      code: 'InvalidSnapshotId.NotFound',
      status: 404,
    },
    moreErrors: [
      { params: () => lockParams(lockedId, 0, 36_501), code: 'InvalidParameter', status: 400 },
      { params: () => lockParams(lockedId, 0, 0), code: 'InvalidParameter', status: 400 },
      { params: () => lockParams(lockedId, 73), code: 'InvalidParameter', status: 400 },
      { params: () => lockParams(lockedId, -1), code: 'InvalidParameter', status: 400 },
      {
        params: () => lockParams(lockedId, 0, LOCK_DAYS - 1),
        code: 'InvalidOperation.CoolOffPeriodExpired',
        status: 403,
      },
    ],
  },
  {
    action: 'UnlockSnapshot',
    product: 'ECS',
    params: () => ({ RegionId: 'cn-hangzhou', SnapshotId: unlockableId }),
    before: async () => {
      await popClient(emu).request('LockSnapshot', lockParams(unlockableId, 72), {
        method: 'POST',
      });
    },
    error: {
      params: () => ({ RegionId: 'cn-hangzhou', SnapshotId: 's-does-not-exist' }),
      code: 'InvalidSnapshotId.NotFound',
      status: 404,
    },
    moreErrors: [
      {
        params: () => ({ RegionId: 'cn-hangzhou', SnapshotId: lockedId }),
        code: 'InvalidOperation.CoolOffPeriodExpired',
        status: 403,
      },
      {
        params: () => ({ RegionId: 'cn-hangzhou', SnapshotId: taggable }),
        code: 'InvalidSnapshotLock.NotFound',
        status: 404,
      },
    ],
  },
  {
    action: 'DescribeLockedSnapshots',
    product: 'ECS',
    params: () => ({ RegionId: 'cn-hangzhou', 'SnapshotIds.1': lockedId, MaxResults: '10' }),
    error: {
      params: () => ({
        RegionId: 'cn-hangzhou',
        SnapshotIds: JSON.stringify(Array.from({ length: 101 }, (_, i) => `s-${i}`)),
      }),
      code: 'InvalidSnapshotIds.Malformed',
      status: 403,
    },
  },
  {
    action: 'CreateDisk',
    product: 'ECS',
    // One ClientToken: every variant replays the first disk (same data in every answer).
    params: () => ({
      RegionId: 'cn-hangzhou',
      ZoneId: 'cn-hangzhou-a',
      SnapshotId: taggable,
      DiskCategory: 'cloud_essd',
      DiskName: 'wire-disk',
      ClientToken: 'wire-conformance-disk-1',
      'Tag.1.Key': 'dr-replicator:drill',
      'Tag.1.Value': 'conformance',
    }),
    error: {
      params: () => ({ RegionId: 'cn-hangzhou', ZoneId: 'cn-hangzhou-a', SnapshotId: 's-nope' }),
      code: 'InvalidSnapshotId.NotFound',
      status: 404,
    },
    moreErrors: [
      {
        params: () => ({ RegionId: 'cn-hangzhou', ZoneId: 'cn-hangzhou-z', SnapshotId: taggable }),
        code: 'InvalidZoneId.NotFound',
        status: 404,
      },
      {
        params: () => ({
          RegionId: 'cn-hangzhou',
          ZoneId: 'cn-hangzhou-a',
          SnapshotId: taggable,
          Size: '1',
        }),
        code: 'InvalidDiskSize.TooSmall',
        status: 403,
      },
      {
        params: () => ({
          RegionId: 'cn-hangzhou',
          ZoneId: 'cn-hangzhou-a',
          SnapshotId: taggable,
          DiskCategory: 'floppy',
        }),
        code: 'InvalidDiskCategory.ValueNotSupported',
        status: 400,
      },
      {
        params: () => ({
          RegionId: 'cn-hangzhou',
          ZoneId: 'cn-hangzhou-a',
          SnapshotId: taggable,
          KMSKeyId: 'key-nope',
        }),
        code: 'InvalidParameter.EncryptedIllegal',
        status: 400,
      },
    ],
  },
  {
    action: 'DescribeDisks',
    product: 'ECS',
    params: () => ({ RegionId: 'cn-hangzhou', MaxResults: '100' }),
    error: {
      params: () => ({
        RegionId: 'cn-hangzhou',
        DiskIds: JSON.stringify(Array.from({ length: 101 }, (_, i) => `d-${i}`)),
      }),
      code: 'InvalidDiskIds.Malformed',
      status: 400,
    },
  },
  {
    action: 'DeleteDisk',
    product: 'ECS',
    params: (n) => ({ RegionId: 'cn-hangzhou', DiskId: deletableDisks[n] ?? 'missing-fixture' }),
    error: {
      params: () => ({ RegionId: 'cn-hangzhou', DiskId: creatingDisk }),
      code: 'IncorrectDiskStatus',
      status: 403,
    },
  },
  {
    action: 'DescribeZones',
    product: 'ECS',
    params: () => ({ RegionId: 'cn-hangzhou' }),
    error: {
      params: () => ({ RegionId: 'xx-nowhere-1' }),
      code: 'InvalidRegionId.MalFormed',
      status: 400,
    },
  },
  {
    action: 'DescribeKey',
    product: 'KMS',
    params: () => ({ RegionId: 'cn-beijing', KeyId: 'key-demo-beijing' }),
    error: {
      params: () => ({ RegionId: 'cn-beijing', KeyId: 'key-does-not-exist' }),
      code: 'Forbidden.KeyNotFound',
      status: 404,
    },
  },
];

const versionOf = (c: Case) => (c.product === 'KMS' ? KMS_VERSION : ECS_VERSION);
const hostOf = (c: Case, region: string) => `${c.product.toLowerCase()}.${region}.aliyuncs.com`;

function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
  const { RequestId: _, ...rest } = body;
  return rest;
}

function row(c: Case): ConformanceRow {
  const existing = rows.get(c.action);
  if (existing !== undefined) return existing;
  const fresh: ConformanceRow = {
    action: c.action,
    product: c.product,
    json: false,
    xml: false,
    v1: false,
    acs3: false,
    hostRegion: undefined,
    unknownParamRefused: false,
    typedFields: 0,
    notSent: [],
    errors: [],
  };
  rows.set(c.action, fresh);
  return fresh;
}

function expectFormat(answer: RawAnswer, format: 'JSON' | 'XML', root: string): void {
  if (format === 'XML') {
    expect(answer.contentType).toMatch(/^text\/xml/);
    expect(answer.xmlRoot).toBe(root);
  } else {
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.xmlRoot).toBeUndefined();
  }
}

beforeAll(async () => {
  emu = await start();
  // A copy with every optional field DescribeSnapshots can show (retention, source, group, tag).
  await popClient(emu).request(
    'CopySnapshot',
    validCopy(emu, {
      RetentionDays: 7,
      ResourceGroupId: 'rg-acfm2conformance',
      'Tag.1.Key': 'dr-replicator:policy',
      'Tag.1.Value': 'conformance',
    }),
    { method: 'POST' },
  );
  deletable = emu.admin
    .snapshots('cn-shenzhen')
    .filter((s) => s.status === 'accomplished')
    .map((s) => s.snapshotId)
    .slice(0, 8);
  taggable = demoSnapshot(emu, 'cn-hangzhou', (s) => s.tags.dr === 'true').snapshotId;
  const lockable = emu.admin
    .snapshots('cn-hangzhou')
    .filter(
      // The lock may not outlive the retention (documented rule): leave a day to spare.
      (s) =>
        s.snapshotId !== taggable &&
        s.status === 'accomplished' &&
        (s.retentionDays === undefined ||
          s.creationTime + s.retentionDays * DAY_MS > emu.admin.now().getTime() + 3 * DAY_MS),
    )
    .map((s) => s.snapshotId);
  lockedId = lockable[0] ?? 'missing-fixture';
  unlockableId = lockable[1] ?? 'missing-fixture';
  await popClient(emu).request('LockSnapshot', lockParams(lockedId, 0), { method: 'POST' });
  const diskFrom = async (name: string) => {
    const made = (await popClient(emu).request(
      'CreateDisk',
      { RegionId: 'cn-hangzhou', ZoneId: 'cn-hangzhou-b', SnapshotId: taggable, DiskName: name },
      { method: 'POST' },
    )) as { DiskId: string };
    return made.DiskId;
  };
  for (let i = 0; i < 8; i++) deletableDisks.push(await diskFrom(`wire-delete-${i}`));
  emu.admin.advanceClock(3600);
  creatingDisk = await diskFrom('wire-creating');
});
afterAll(() => emu.stop());

describe.each(CASES.map((c) => [`${c.product} ${c.action}`, c] as const))('%s', (_, c) => {
  it('answers JSON and XML, signature v1 and ACS3, with the same data and the sample types', async () => {
    const sample = samples.actions[c.action];
    expect(sample, `no sample for ${c.action} in test/fixtures/wire-samples.json`).toBeDefined();
    const datas: unknown[] = [];
    let n = 0;
    let json: Record<string, unknown> | undefined;
    for (const signature of SIGNATURES) {
      for (const format of FORMATS) {
        await c.before?.();
        const answer = await rawRpc(emu, {
          action: c.action,
          version: versionOf(c),
          params: c.params(n++),
          signature,
          format,
        });
        expect(answer.status, answer.text).toBe(200);
        expectFormat(answer, format, `${c.action}Response`);
        expect(answer.body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
        if (format === 'JSON') {
          expect(wireTypeMismatches(sample!.response, answer.body)).toEqual([]);
          json = answer.body;
          datas.push(asXmlData(withoutRequestId(answer.body)));
        } else {
          datas.push(asXmlData(withoutRequestId(answer.body)));
        }
      }
    }
    for (const data of datas.slice(1)) expect(data).toEqual(datas[0]);
    const sent = new Set(fieldPaths(json));
    const documented = fieldPaths(sample!.response);
    Object.assign(row(c), {
      json: true,
      xml: true,
      v1: true,
      acs3: true,
      typedFields: sent.size,
      notSent: documented.filter((f) => !sent.has(f)),
    });
  });

  it('answers its documented errors in JSON and as an XML <Error>, with the same status', async () => {
    const verified: string[] = [];
    for (const error of [c.error, ...(c.moreErrors ?? [])]) {
      const answers: RawAnswer[] = [];
      for (const format of FORMATS) {
        const answer = await rawRpc(emu, {
          action: c.action,
          version: versionOf(c),
          params: error.params(),
          signature: 'v1',
          format,
        });
        expect([answer.status, answer.body.Code], answer.text).toEqual([error.status, error.code]);
        expectFormat(answer, format, 'Error');
        answers.push(answer);
      }
      const [json, xml] = answers as [RawAnswer, RawAnswer];
      const envelope = samples.errors[c.product === 'KMS' ? 'kms' : 'ecs'].response;
      expect(wireTypeMismatches(envelope, json.body)).toEqual([]);
      expect(Object.keys(xml.body).sort()).toEqual(Object.keys(json.body).sort());
      for (const key of ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']) {
        expect(typeof xml.body[key], key).toBe('string');
      }
      // Same error, field for field; RequestId (and the Recommend link naming it) is per call.
      for (const key of ['Code', 'Message', 'HostId', 'HttpStatus']) {
        if (json.body[key] === undefined) continue;
        expect(xml.body[key], key).toEqual(asXmlData(json.body[key]));
      }
      verified.push(`${error.code} (${error.status})`);
    }
    row(c).errors = verified;
  });

  it('refuses an unknown parameter loudly (400 UnsupportedParameter) in both formats', async () => {
    for (const format of FORMATS) {
      const answer = await rawRpc(emu, {
        action: c.action,
        version: versionOf(c),
        params: { ...c.params(0), NotAParameter: 'x' },
        signature: 'v1',
        format,
      });
      expect([answer.status, answer.body.Code]).toEqual([400, 'UnsupportedParameter']);
      expect(String(answer.body.Message)).toContain('NotAParameter');
    }
    row(c).unknownParamRefused = true;
  });

  it('takes a missing RegionId from the Host header it was sent to', async () => {
    const params = c.params(SIGNATURES.length * FORMATS.length);
    const region = params.RegionId;
    if (region === undefined) return; // DeleteSnapshot: the region is the snapshot's
    const { RegionId: _, ...rest } = params;
    for (const signature of SIGNATURES) {
      await c.before?.();
      const viaHost = await rawRpc(emu, {
        action: c.action,
        version: versionOf(c),
        params: rest,
        signature,
        format: 'JSON',
        host: hostOf(c, region),
      });
      expect(viaHost.status, viaHost.text).toBe(200);
      await c.before?.();
      const explicit = await rawRpc(emu, {
        action: c.action,
        version: versionOf(c),
        params,
        signature,
        format: 'JSON',
      });
      expect(withoutRequestId(viaHost.body)).toEqual(withoutRequestId(explicit.body));
    }
    row(c).hostRegion = true;
  });
});

describe('the Format common parameter', () => {
  const regions = (signature: Signature, format?: string) =>
    rawRpc(emu, { action: 'DescribeRegions', version: ECS_VERSION, params: {}, signature, format });

  it('answers XML to a signature-v1 request without Format (the documented default)', async () => {
    const answer = await regions('v1', undefined);
    expect([answer.status, answer.xmlRoot]).toEqual([200, 'DescribeRegionsResponse']);
  });

  it('answers JSON to an ACS3 request without Format, as the Tea SDKs read it', async () => {
    const answer = await regions('acs3', undefined);
    expect([answer.status, answer.xmlRoot]).toEqual([200, undefined]);
  });

  it('takes the value in any case (xml, Json)', async () => {
    expect((await regions('v1', 'xml')).xmlRoot).toBe('DescribeRegionsResponse');
    expect((await regions('acs3', 'Json')).xmlRoot).toBeUndefined();
  });

  it.each([
    ['v1', 'YAML', 'Error'],
    ['acs3', 'yaml', undefined],
  ] as const)(
    'refuses %s Format=%s with 400 InvalidParameter naming the choices',
    async (sig, format, root) => {
      const answer = await regions(sig, format);
      expect([answer.status, answer.body.Code, answer.xmlRoot]).toEqual([
        400,
        'InvalidParameter',
        root,
      ]);
      expect(String(answer.body.Message)).toContain('JSON or XML');
    },
  );

  it('reads Format from a POST form body as from the query', async () => {
    const answer = await rawRpc(emu, {
      action: 'DescribeRegions',
      version: ECS_VERSION,
      params: {},
      signature: 'v1',
      format: 'XML',
      method: 'POST',
      form: true,
    });
    expect([answer.status, answer.xmlRoot]).toEqual([200, 'DescribeRegionsResponse']);
  });

  it('answers an authentication failure in the asked format too (XML <Error>, 403)', async () => {
    for (const format of FORMATS) {
      const answer = await rawRpc(emu, {
        action: 'DescribeRegions',
        version: ECS_VERSION,
        params: {},
        signature: 'v1',
        format,
        secret: 'not-the-secret',
      });
      expect([answer.status, answer.body.Code]).toEqual([403, 'SignatureDoesNotMatch']);
      expectFormat(answer, format, 'Error');
    }
  });

  it.each([
    ['errorRate5xx', 500, 'InternalError'],
    ['serviceUnavailableRate', 503, 'ServiceUnavailable'],
  ] as const)(
    'answers an injected %s fault as an XML <Error> %i %s',
    async (fault, status, code) => {
      emu.admin.setFaults({ [fault]: 1, actions: ['DescribeRegions'] });
      try {
        const answer = await regions('v1', 'XML');
        expect([answer.status, answer.body.Code, answer.xmlRoot]).toEqual([status, code, 'Error']);
      } finally {
        emu.admin.setFaults({});
      }
    },
  );

  it('answers throttling (Throttling.User, 400) as an XML <Error>', async () => {
    emu.admin.setThrottle('DescribeSnapshotsUsage', { perMinute: 1, burst: 1 });
    try {
      const call = () =>
        rawRpc(emu, {
          action: 'DescribeSnapshotsUsage',
          version: ECS_VERSION,
          params: { RegionId: 'cn-shanghai' },
          signature: 'v1',
        });
      expect((await call()).status).toBe(200);
      const answer = await call();
      expect([answer.status, answer.body.Code, answer.xmlRoot]).toEqual([
        400,
        'Throttling.User',
        'Error',
      ]);
    } finally {
      emu.admin.clearThrottle('DescribeSnapshotsUsage');
    }
  });

  it('lists a one-item list as a repeated element under the XML declaration', async () => {
    const answer = await rawRpc(emu, {
      action: 'DescribeSnapshots',
      version: ECS_VERSION,
      params: { RegionId: 'cn-beijing' },
      signature: 'v1',
      format: 'XML',
    });
    expect(answer.text).toContain('<Snapshots><Snapshot><SnapshotId>');
    expect(answer.text).toContain('<Tags><Tag><TagKey>dr-replicator:policy</TagKey>');
    expect(answer.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });
});

describe('region from the Host header', () => {
  const describeKey = (host: string | undefined, params: Record<string, string>) =>
    rawRpc(emu, {
      action: 'DescribeKey',
      version: KMS_VERSION,
      params,
      signature: 'v1',
      format: 'JSON',
      ...(host !== undefined && { host }),
    });

  it('finds the Beijing key for a KMS DescribeKey without RegionId sent to kms.cn-beijing.aliyuncs.com', async () => {
    const answer = await describeKey('kms.cn-beijing.aliyuncs.com', { KeyId: 'key-demo-beijing' });
    expect(answer.status, answer.text).toBe(200);
    const meta = answer.body.KeyMetadata as { KeyId: string; Arn: string };
    expect(meta.KeyId).toBe('key-demo-beijing');
    expect(meta.Arn).toMatch(/^acs:kms:cn-beijing:/);
  });

  it('still answers Forbidden.KeyNotFound on the emulator endpoint, which names no region', async () => {
    const answer = await describeKey(undefined, { KeyId: 'key-demo-beijing' });
    expect([answer.status, answer.body.Code]).toEqual([404, 'Forbidden.KeyNotFound']);
  });

  it('ignores the host of another product (ecs.* for a KMS call) and a central endpoint', async () => {
    for (const host of ['ecs.cn-beijing.aliyuncs.com', 'kms.aliyuncs.com']) {
      const answer = await describeKey(host, { KeyId: 'key-demo-beijing' });
      expect(answer.body.Code, host).toBe('Forbidden.KeyNotFound');
    }
  });

  it('lets an explicit RegionId win over the host', async () => {
    const answer = await describeKey('kms.cn-hangzhou.aliyuncs.com', {
      RegionId: 'cn-beijing',
      KeyId: 'key-demo-beijing',
    });
    expect(answer.status).toBe(200);
  });

  it.each([
    'ecs.cn-shanghai.aliyuncs.com',
    'ecs-vpc.cn-shanghai.aliyuncs.com',
    'ecs-cn-shanghai.aliyuncs.com',
  ])(
    'lists cn-shanghai snapshots for a DescribeSnapshots without RegionId sent to %s',
    async (host) => {
      const answer = await rawRpc(emu, {
        action: 'DescribeSnapshots',
        version: ECS_VERSION,
        params: {},
        signature: 'acs3',
        host,
      });
      expect(answer.status, answer.text).toBe(200);
      const list = (answer.body.Snapshots as { Snapshot: { RegionId: string }[] }).Snapshot;
      expect(list.length).toBeGreaterThan(0);
      expect(new Set(list.map((s) => s.RegionId))).toEqual(new Set(['cn-shanghai']));
    },
  );

  it('names the host region in an error HostId', async () => {
    const answer = await rawRpc(emu, {
      action: 'DescribeSnapshots',
      version: ECS_VERSION,
      params: { Status: 'nope' },
      signature: 'v1',
      format: 'XML',
      host: 'ecs.cn-shenzhen.aliyuncs.com',
    });
    expect([answer.body.Code, answer.body.HostId]).toEqual([
      'InvalidStatus.NotFound',
      'ecs.cn-shenzhen.aliyuncs.com',
    ]);
  });
});

describe('DescribeSnapshots decoded with strict wire types (as a Go client types them)', () => {
  const snapshot = z.object({
    SnapshotId: z.string(),
    RegionId: z.string(),
    Status: z.enum(['progressing', 'accomplished', 'failed']),
    Progress: z.string(),
    RemainTime: z.number().int(),
    SourceDiskSize: z.number(),
    SourceDiskId: z.string(),
    Encrypted: z.boolean(),
    Available: z.boolean(),
    InstantAccess: z.boolean(),
    RetentionDays: z.number().int().optional(),
    ResourceGroupId: z.string(),
    SnapshotLinkId: z.string(),
    CreationTime: z.string(),
    Tags: z.object({ Tag: z.array(z.object({ TagKey: z.string(), TagValue: z.string() })) }),
  });
  const page = z.object({
    RequestId: z.string(),
    TotalCount: z.number().int(),
    NextToken: z.string(),
    Snapshots: z.object({ Snapshot: z.array(snapshot) }),
  });

  it('decodes every page of a region, SourceDiskSize a number (pop-core and a raw client)', async () => {
    const body = await popClient(emu).request('DescribeSnapshots', {
      RegionId: 'cn-hangzhou',
      MaxResults: 100,
    });
    const decoded = page.parse(body);
    expect(decoded.Snapshots.Snapshot.length).toBeGreaterThan(0);
    const raw = await rawRpc(emu, {
      action: 'DescribeSnapshots',
      version: ECS_VERSION,
      params: { RegionId: 'cn-beijing' },
      signature: 'acs3',
    });
    expect(page.parse(raw.body).Snapshots.Snapshot[0]?.SourceDiskSize).toBeTypeOf('number');
  });
});

describe('CopySnapshot ResourceGroupId and Arn.N.*', () => {
  it('accepts both and shows the group on the copy in DescribeSnapshots (and filters by it)', async () => {
    const { SnapshotId } = await popClient(emu).request<{ SnapshotId: string }>(
      'CopySnapshot',
      validCopy(emu, {
        DestinationRegionId: 'cn-shenzhen',
        ResourceGroupId: 'rg-dr-copies',
        'Arn.1.RoleType': 'user',
        'Arn.1.Rolearn': 'acs:ram::1234567890123456:role/AliyunECSDiskEncryptDefaultRole',
        'Arn.1.AssumeRoleFor': '1234567890123456',
      }),
      { method: 'POST' },
    );
    const listed = await popClient(emu).request<{
      Snapshots: { Snapshot: { SnapshotId: string; ResourceGroupId: string }[] };
    }>('DescribeSnapshots', { RegionId: 'cn-shenzhen', ResourceGroupId: 'rg-dr-copies' });
    expect(listed.Snapshots.Snapshot).toEqual([
      expect.objectContaining({ SnapshotId, ResourceGroupId: 'rg-dr-copies' }),
    ]);
  });
});

describe('a world snapshot with resourceGroupId', () => {
  it('is listed with that ResourceGroupId', async () => {
    const world = await start({
      world: {
        regions: [{ regionId: 'cn-hangzhou' }],
        disks: [{ diskId: 'd-rg', regionId: 'cn-hangzhou', type: 'data', sizeGiB: 20 }],
        snapshots: [
          {
            snapshotId: 's-rg',
            regionId: 'cn-hangzhou',
            diskId: 'd-rg',
            creationTime: '2026-05-31T02:00:00Z',
            resourceGroupId: 'rg-seeded',
          },
        ],
        kmsKeys: [],
      },
    });
    try {
      const body = await popClient(world).request<{
        Snapshots: { Snapshot: { ResourceGroupId: string; SourceDiskSize: unknown }[] };
      }>('DescribeSnapshots', { RegionId: 'cn-hangzhou' });
      expect(body.Snapshots.Snapshot).toEqual([
        expect.objectContaining({ ResourceGroupId: 'rg-seeded', SourceDiskSize: 20 }),
      ]);
    } finally {
      await world.stop();
    }
  });
});

it('has a case (and a sample) for every action the emulator serves', () => {
  const served = Object.values(SERVICES).flatMap((service) => Object.keys(service.actions));
  expect(
    CASES.map((c) => c.action).sort(),
    'add a case to CASES and a sample to test/fixtures/wire-samples.json for a new action',
  ).toEqual(served.sort());
  expect(Object.keys(samples.actions).sort()).toEqual(served.sort());
});

it('keeps the conformance table in emulator/README.md current', () => {
  const table = renderTable(CASES.map((c) => row(c)));
  if (process.env.UPDATE_CONFORMANCE === '1') writeTable(table);
  expect(
    readTable(),
    'emulator/README.md conformance table is stale: UPDATE_CONFORMANCE=1 npx vitest run test/emulator/wire-conformance.test.ts',
  ).toBe(table);
});
