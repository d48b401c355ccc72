import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RamPolicy, RunningEmulator } from '../../emulator/index.ts';
import { ECS_VERSION, KMS_VERSION, popClient, popFailure, start } from './support/clients.ts';
import { validCopy } from './support/copy-params.ts';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());
beforeEach(() => emu.admin.reset());

async function admin<T>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method,
    ...(body !== undefined && {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const regions = () => popClient(emu).request('DescribeRegions', {});

describe('admin HTTP API', () => {
  it('counts every call exactly, by action and answer, in calls/counts', async () => {
    await regions();
    await regions();
    await popClient(emu)
      .request('DescribeSnapshots', { RegionId: 'nowhere-1' })
      .catch(() => undefined);

    const { status, body } = await admin<{
      total: number;
      byAction: Record<string, number>;
      byActionAndCode: Record<string, number>;
    }>('GET', 'calls/counts');

    expect(status).toBe(200);
    expect(body.total).toBe(3);
    expect(body.byAction).toEqual({ DescribeRegions: 2, DescribeSnapshots: 1 });
    expect(body.byActionAndCode['DescribeRegions OK']).toBe(2);
    expect(emu.admin.callCounts()).toEqual(body);
  });

  it('advances the virtual clock', async () => {
    const before = (await admin<{ now: string }>('GET', 'clock')).body.now;
    const after = (await admin<{ now: string }>('POST', 'clock/advance', { seconds: 90 })).body.now;
    expect(Date.parse(after) - Date.parse(before)).toBe(90_000);
  });

  it('loads a world and lists its snapshots', async () => {
    const world = {
      regions: [{ regionId: 'cn-hangzhou' }, { regionId: 'cn-beijing' }],
      disks: [{ diskId: 'd-1', regionId: 'cn-hangzhou', type: 'data', sizeGiB: 10 }],
      snapshots: [
        {
          snapshotId: 's-1',
          regionId: 'cn-hangzhou',
          diskId: 'd-1',
          creationTime: '2026-05-31T02:00:00Z',
        },
      ],
      kmsKeys: [],
    };
    expect((await admin('POST', 'world', { world })).status).toBe(200);
    const listed = await admin<{ snapshotId: string }[]>('GET', 'snapshots?region=cn-hangzhou');
    expect(listed.body.map((s) => s.snapshotId)).toEqual(['s-1']);
  });

  it('returns the call log filtered by action and region, without credentials', async () => {
    await popClient(emu).request('DescribeSnapshots', { RegionId: 'cn-shanghai' });
    await regions();
    const log = await admin<{ action: string; region: string; params: Record<string, string> }[]>(
      'GET',
      'calls?action=DescribeSnapshots&region=cn-shanghai',
    );
    expect(log.body).toHaveLength(1);
    expect(log.body[0]!.params).not.toHaveProperty('AccessKeyId');
    expect(log.body[0]!.params).not.toHaveProperty('Signature');
  });

  it('issues STS credentials over HTTP', async () => {
    const sts = await admin<{
      accessKeyId: string;
      accessKeySecret: string;
      securityToken: string;
    }>('POST', 'sts');
    await expect(
      popClient(emu, ECS_VERSION, sts.body).request('DescribeRegions', {}),
    ).resolves.toBeDefined();
  });

  it('answers 400 with a message for bad input and 404 for unknown routes', async () => {
    expect((await admin('POST', 'clock/advance', { seconds: 'soon' })).status).toBe(400);
    const badWorld = await admin<{ error: string }>('POST', 'world', { world: { regions: 'all' } });
    expect(badWorld.status).toBe(400);
    expect(badWorld.body.error).toMatch(/regions/);
    expect((await admin('GET', 'nothing-here')).status).toBe(404);
  });
});

describe('fault injection', () => {
  it('answers 500 InternalError at errorRate5xx = 1, only for the listed actions', async () => {
    await admin('POST', 'faults', { errorRate5xx: 1, actions: ['CopySnapshot'] });
    const err = await popFailure(popClient(emu).request('CopySnapshot', validCopy(emu)));
    expect(err.code).toBe('InternalError');
    expect(err.entry.response.statusCode).toBe(500);
    await expect(regions()).resolves.toBeDefined();
    expect(emu.admin.snapshots('cn-beijing')).toEqual([]);
  });

  it('answers 503 ServiceUnavailable at serviceUnavailableRate = 1', async () => {
    emu.admin.setFaults({ serviceUnavailableRate: 1 });
    const err = await popFailure(regions());
    expect(err.code).toBe('ServiceUnavailable');
    expect(err.entry.response.statusCode).toBe(503);
  });

  it('drops the connection without acting', async () => {
    emu.admin.setFaults({ dropConnectionRate: 1, actions: ['CopySnapshot'] });
    const err = (await popFailure(
      popClient(emu).request('CopySnapshot', validCopy(emu)),
    )) as unknown as Error & { code: string };
    expect(err.code).toMatch(/ECONNRESET|EPIPE|socket hang up/i);
    expect(emu.admin.snapshots('cn-beijing')).toEqual([]);
    expect(emu.admin.calls({ action: 'CopySnapshot' }).at(-1)?.code).toBe('ConnectionDropped');
  });

  it('accepts the copy but sends no response when timeoutAfterAcceptRate = 1', async () => {
    emu.admin.setFaults({ timeoutAfterAcceptRate: 1 });
    const err = (await popFailure(
      popClient(emu).request('CopySnapshot', validCopy(emu, { ClientToken: 'after-timeout' }), {
        timeout: 300,
      }),
    )) as unknown as Error;
    expect(err.name).toBe('RequestTimeoutError');
    const copies = emu.admin.snapshots('cn-beijing');
    expect(copies).toHaveLength(1);
    emu.admin.setFaults({});
    const retry = await popClient(emu).request<{ SnapshotId: string }>(
      'CopySnapshot',
      validCopy(emu, { ClientToken: 'after-timeout' }),
    );
    expect(retry.SnapshotId).toBe(copies[0]!.snapshotId);
  });
});

describe('throttling', () => {
  it('answers Throttling.User past the per-(API, region) bucket and refills on the virtual clock', async () => {
    emu.admin.setThrottle('DescribeSnapshots', { perMinute: 2, region: 'cn-hangzhou' });
    const call = (region: string) =>
      popClient(emu).request('DescribeSnapshots', { RegionId: region });
    await call('cn-hangzhou');
    await call('cn-hangzhou');
    const err = await popFailure(call('cn-hangzhou'));
    expect(err.code).toBe('Throttling.User');
    expect(err.entry.response.statusCode).toBe(400);
    await expect(call('cn-shanghai')).resolves.toBeDefined();
    emu.admin.advanceClock(30);
    await expect(call('cn-hangzhou')).resolves.toBeDefined();
  });

  it('throttles CopySnapshot at 1000 per 60 s by default', async () => {
    const rules = await admin<Record<string, { perMinute: number }>>('GET', 'throttles');
    expect(rules.body.CopySnapshot?.perMinute).toBe(1000);
  });
});

describe('account flags and quotas', () => {
  it('applies quotas set over HTTP', async () => {
    await admin('POST', 'quotas', { region: 'cn-beijing', maxSnapshots: 0 });
    expect((await popFailure(popClient(emu).request('CopySnapshot', validCopy(emu)))).code).toBe(
      'QuotaExceed.SnapshotQuota',
    );
  });
});

describe('RAM policy', () => {
  const policy: RamPolicy = {
    Version: '1',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['ecs:Describe*', 'ecs:CopySnapshot', 'kms:DescribeKey'],
        Resource: '*',
      },
      { Effect: 'Deny', Action: 'ecs:CopySnapshot', Resource: 'acs:ecs:cn-shanghai:*:snapshot/*' },
    ],
  };

  it('allows matching actions and resources', async () => {
    emu.admin.setRamPolicy(policy);
    await expect(popClient(emu).request('CopySnapshot', validCopy(emu))).resolves.toBeDefined();
    await expect(
      popClient(emu, KMS_VERSION).request('DescribeKey', {
        RegionId: 'cn-beijing',
        KeyId: 'key-demo-beijing',
      }),
    ).resolves.toBeDefined();
  });

  it('lets Deny override Allow for the resource', async () => {
    emu.admin.setRamPolicy(policy);
    const source = emu.admin
      .snapshots('cn-shanghai')
      .find((s) => s.status === 'accomplished' && s.category === 'standard' && !s.encrypted)!;
    const err = await popFailure(
      popClient(emu).request(
        'CopySnapshot',
        validCopy(emu, { RegionId: 'cn-shanghai', SnapshotId: source.snapshotId }),
      ),
    );
    expect(err.code).toBe('Forbidden.RAM');
    expect(err.entry.response.statusCode).toBe(403);
  });

  it('denies an action no statement allows (policy document PUT as is)', async () => {
    expect((await admin('PUT', 'ram-policy', policy)).status).toBe(200);
    const s = emu.admin.snapshots('cn-hangzhou')[0]!;
    expect(
      (await popFailure(popClient(emu).request('DeleteSnapshot', { SnapshotId: s.snapshotId })))
        .code,
    ).toBe('Forbidden.RAM');
  });
});
