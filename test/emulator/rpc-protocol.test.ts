import * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import {
  $Ecs,
  ECS_VERSION,
  ecsClient,
  KMS_VERSION,
  openApiClient,
  popClient,
  popFailure,
  start,
  teaFailure,
} from './support/clients.ts';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());

/** The secret with its last character changed: one wrong byte. */
function oneByteOff(secret: string): string {
  const last = secret.at(-1) === 'a' ? 'b' : 'a';
  return secret.slice(0, -1) + last;
}

interface RegionsBody {
  RequestId: string;
  Regions: { Region: { RegionId: string; RegionEndpoint: string }[] };
}

describe('RPC signature v1 (pop-core)', () => {
  it('accepts a signed GET and answers the parsed JSON body', async () => {
    const body = await popClient(emu).request<RegionsBody>('DescribeRegions', {});
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(body.Regions.Region.map((r) => r.RegionId)).toContain('cn-hangzhou');
  });

  it('accepts a signed POST form', async () => {
    const body = await popClient(emu).request<RegionsBody>(
      'DescribeRegions',
      {},
      { method: 'POST' },
    );
    expect(body.Regions.Region.find((r) => r.RegionId === 'cn-beijing')?.RegionEndpoint).toBe(
      'ecs.cn-beijing.aliyuncs.com',
    );
  });

  it('rejects a secret one byte off with SignatureDoesNotMatch (403), GET and POST', async () => {
    const bad = {
      ...emu.credentials,
      accessKeySecret: oneByteOff(emu.credentials.accessKeySecret),
    };
    for (const method of ['GET', 'POST']) {
      const err = await popFailure(
        popClient(emu, ECS_VERSION, bad).request('DescribeRegions', {}, { method }),
      );
      expect(err.code).toBe('SignatureDoesNotMatch');
      expect(err.entry.response.statusCode).toBe(403);
    }
  });

  it('rejects an unknown access key with InvalidAccessKeyId.NotFound (404)', async () => {
    const err = await popFailure(
      popClient(emu, ECS_VERSION, { accessKeyId: 'LTAInobody', accessKeySecret: 'x' }).request(
        'DescribeRegions',
        {},
      ),
    );
    expect(err.code).toBe('InvalidAccessKeyId.NotFound');
    expect(err.entry.response.statusCode).toBe(404);
  });

  it('rejects a Timestamp more than 15 minutes off with InvalidTimeStamp.Expired', async () => {
    const stale = new Date(Date.now() - 16 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const err = await popFailure(popClient(emu).request('DescribeRegions', { Timestamp: stale }));
    expect(err.code).toBe('InvalidTimeStamp.Expired');
    expect(err.entry.response.statusCode).toBe(400);
  });

  it('accepts a Timestamp 14 minutes off', async () => {
    const skewed = new Date(Date.now() + 14 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const body = await popClient(emu).request<RegionsBody>('DescribeRegions', {
      Timestamp: skewed,
    });
    expect(body.Regions.Region.length).toBeGreaterThan(0);
  });

  it('rejects a reused SignatureNonce with SignatureNonceUsed', async () => {
    const nonce = `nonce-${Math.random()}`;
    await popClient(emu).request('DescribeRegions', { SignatureNonce: nonce });
    const err = await popFailure(
      popClient(emu).request('DescribeRegions', { SignatureNonce: nonce }),
    );
    expect(err.code).toBe('SignatureNonceUsed');
  });

  it('answers errors in the envelope {RequestId, HostId, Code, Message, Recommend}', async () => {
    const err = await popFailure(
      popClient(emu).request('DescribeSnapshots', { RegionId: 'cn-hangzhou', Status: 'nope' }),
    );
    expect(Object.keys(err.data).sort()).toEqual([
      'Code',
      'HostId',
      'Message',
      'Recommend',
      'RequestId',
    ]);
    expect(err.data).toMatchObject({
      Code: 'InvalidStatus.NotFound',
      HostId: 'ecs.cn-hangzhou.aliyuncs.com',
    });
    expect(err.data.Recommend).toContain(err.data.RequestId);
  });

  it('routes by Version: an unknown version is InvalidVersion, an unknown action InvalidApi.NotFound', async () => {
    const version = await popFailure(popClient(emu, '2099-01-01').request('DescribeRegions', {}));
    expect(version.code).toBe('InvalidVersion');
    const action = await popFailure(popClient(emu).request('RunInstances', {}));
    expect(action.code).toBe('InvalidApi.NotFound');
    expect(action.entry.response.statusCode).toBe(404);
    const kmsOnEcs = await popFailure(
      popClient(emu, ECS_VERSION).request('DescribeKey', { KeyId: 'k' }),
    );
    expect(kmsOnEcs.code).toBe('InvalidApi.NotFound');
  });
});

describe('STS credentials', () => {
  it('accepts an issued STS pair with its SecurityToken (pop-core and Tea client)', async () => {
    const sts = emu.admin.issueStsCredentials();
    expect(sts.accessKeyId.startsWith('STS.')).toBe(true);
    const body = await popClient(emu, ECS_VERSION, sts).request<RegionsBody>('DescribeRegions', {});
    expect(body.Regions.Region.length).toBeGreaterThan(0);
    const res = await ecsClient(emu, sts).describeRegions(new $Ecs.DescribeRegionsRequest({}));
    expect(res.statusCode).toBe(200);
  });

  it('rejects an STS pair whose SecurityToken is not its own', async () => {
    const a = emu.admin.issueStsCredentials();
    const b = emu.admin.issueStsCredentials();
    const err = await popFailure(
      popClient(emu, ECS_VERSION, { ...a, securityToken: b.securityToken }).request(
        'DescribeRegions',
        {},
      ),
    );
    expect(err.code).toBe('InvalidSecurityToken.MismatchWithAccessKey');
  });
});

describe('ACS3-HMAC-SHA256 (@alicloud/ecs20140526)', () => {
  it('accepts the official client and answers what its models parse', async () => {
    const res = await ecsClient(emu).describeSnapshots(
      new $Ecs.DescribeSnapshotsRequest({ regionId: 'cn-hangzhou', maxResults: 5 }),
    );
    expect(res.statusCode).toBe(200);
    expect(res.body?.snapshots?.snapshot).toHaveLength(5);
    expect(res.body?.snapshots?.snapshot?.[0]?.snapshotId).toMatch(/^s-bp/);
  });

  it('rejects a secret one byte off with SignatureDoesNotMatch (403)', async () => {
    const bad = {
      ...emu.credentials,
      accessKeySecret: oneByteOff(emu.credentials.accessKeySecret),
    };
    const err = await teaFailure(
      ecsClient(emu, bad).describeRegions(new $Ecs.DescribeRegionsRequest({})),
    );
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.statusCode).toBe(403);
  });

  it('rejects an unknown access key with InvalidAccessKeyId.NotFound', async () => {
    const err = await teaFailure(
      ecsClient(emu, { accessKeyId: 'LTAInobody', accessKeySecret: 'x' }).describeRegions(
        new $Ecs.DescribeRegionsRequest({}),
      ),
    );
    expect(err.code).toBe('InvalidAccessKeyId.NotFound');
    expect(err.statusCode).toBe(404);
  });
});

describe('GET and POST', () => {
  it.each([
    ['DescribeSnapshotsUsage', { RegionId: 'cn-hangzhou' }],
    ['ListTagResources', { RegionId: 'cn-hangzhou', ResourceType: 'snapshot', 'Tag.1.Key': 'dr' }],
    ['DescribeSnapshots', { RegionId: 'cn-shenzhen', MaxResults: 3 }],
  ])('answers %s alike over a GET query and a POST form', async (action, params) => {
    const { RequestId: _a, ...viaGet } = await popClient(emu).request<Record<string, unknown>>(
      action,
      params,
    );
    const { RequestId: _b, ...viaPost } = await popClient(emu).request<Record<string, unknown>>(
      action,
      params,
      {
        method: 'POST',
      },
    );
    expect(viaPost).toEqual(viaGet);
    expect(Object.keys(viaGet).length).toBeGreaterThan(0);
  });
});

describe('KMS on the same endpoint', () => {
  it('answers DescribeKey signed with ACS3 (x-acs-version 2016-01-20) by the generic Tea client', async () => {
    const client = openApiClient(emu, 'cn-beijing');
    const params = new $OpenApi.Params({
      action: 'DescribeKey',
      version: KMS_VERSION,
      protocol: 'HTTP',
      pathname: '/',
      method: 'POST',
      authType: 'AK',
      style: 'RPC',
      reqBodyType: 'formData',
      bodyType: 'json',
    });
    const res = await client.callApi(
      params,
      new $OpenApi.OpenApiRequest({
        query: { RegionId: 'cn-beijing', KeyId: 'key-demo-disabled' },
      }),
      new $Util.RuntimeOptions({}),
    );
    expect(res.body.KeyMetadata).toMatchObject({
      KeyId: 'key-demo-disabled',
      KeyState: 'Disabled',
    });
    expect(emu.admin.calls({ action: 'DescribeKey' }).at(-1)?.signature).toBe('acs3');
  });

  it('routes Version 2016-01-20 to KMS and adds HttpStatus to its errors', async () => {
    const err = await popFailure(
      popClient(emu, KMS_VERSION).request('DescribeKey', {
        RegionId: 'cn-beijing',
        KeyId: 'key-missing',
      }),
    );
    expect(err.code).toBe('Forbidden.KeyNotFound');
    expect(err.entry.response.statusCode).toBe(404);
    expect(err.data).toMatchObject({ HttpStatus: 404, HostId: 'kms.cn-beijing.aliyuncs.com' });
  });
});

describe('call log', () => {
  it('records calls without AccessKeyId, Signature, SecurityToken or the secret', async () => {
    const sts = emu.admin.issueStsCredentials();
    await popClient(emu, ECS_VERSION, sts).request('DescribeSnapshots', {
      RegionId: 'cn-shanghai',
      MaxResults: 1,
    });
    const entry = emu.admin.calls({ action: 'DescribeSnapshots', region: 'cn-shanghai' }).at(-1)!;
    expect(entry).toMatchObject({ code: 'OK', httpStatus: 200, signature: 'v1' });
    expect(entry.params).toMatchObject({ RegionId: 'cn-shanghai', MaxResults: '1' });
    const text = JSON.stringify(emu.admin.calls());
    for (const secret of [
      sts.accessKeyId,
      sts.accessKeySecret,
      sts.securityToken,
      emu.credentials.accessKeySecret,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(Object.keys(entry.params)).not.toContain('Signature');
  });
});
