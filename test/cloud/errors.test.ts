import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { createCloudClients } from '../../lib/cloud/clients.ts';
import { CloudApiError, redactSecrets } from '../../lib/cloud/errors.ts';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ world: 'demo' });
});
afterAll(() => emu.stop());

async function failure(promise: Promise<unknown>): Promise<CloudApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CloudApiError))
    throw new Error(`expected a CloudApiError, got ${String(error)}`);
  return error;
}

describe('redactSecrets', () => {
  it('removes the signed URL pop-core appends and every credential parameter', () => {
    const raw =
      'Specified signature is not matched, URL: http://ecs.cn-hangzhou.aliyuncs.com/?AccessKeyId=STS.abc&Signature=xyz%3D&SecurityToken=CAISsecret';
    const clean = redactSecrets(raw);
    expect(clean).toBe('Specified signature is not matched');
  });

  it('redacts credential parameters embedded in a string to sign', () => {
    const clean = redactSecrets(
      'server string to sign is:POST&%2F&AccessKeyId%3DSTS.x%26SecurityToken%3DCAIStoken%26Signature%3Dabc',
    );
    expect(clean).not.toMatch(/CAIStoken|STS\.x|abc$/);
  });
});

describe('CloudApiError from real calls', () => {
  it('carries code, HTTP status, request id, API and region, and no secret', async () => {
    const sts = emu.admin.issueStsCredentials();
    const wrong = createCloudClients({
      credentials: { ...sts, accessKeySecret: 'wrong-secret' },
      endpoint: emu.url,
    });

    const error = await failure(wrong.ecs.describeSnapshots({ regionId: 'cn-hangzhou' }));

    expect(error).toMatchObject({
      code: 'SignatureDoesNotMatch',
      api: 'DescribeSnapshots',
      region: 'cn-hangzhou',
      requestId: expect.any(String),
    });
    expect(error.httpStatus).toBeGreaterThanOrEqual(400);
    const text = `${error.message}\n${error.stack}\n${JSON.stringify(error)}`;
    expect(text).not.toContain(sts.securityToken);
    expect(text).not.toContain('wrong-secret');
    expect(text).not.toContain(sts.accessKeyId);
  });

  it('turns a read timeout into RequestTimeout', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const cloud = createCloudClients({
        credentials: emu.credentials,
        endpoint: `http://127.0.0.1:${port}`,
        timeoutMs: 200,
      });
      const error = await failure(cloud.ecs.describeSnapshots({ regionId: 'cn-hangzhou' }));
      expect(error.code).toBe('RequestTimeout');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('turns a dropped connection into ConnectionReset', async () => {
    const rude: Server = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    const { port } = rude.address() as AddressInfo;
    try {
      const cloud = createCloudClients({
        credentials: emu.credentials,
        endpoint: `http://127.0.0.1:${port}`,
      });
      const error = await failure(cloud.ecs.describeSnapshots({ regionId: 'cn-hangzhou' }));
      expect(error.code).toBe('ConnectionReset');
    } finally {
      await new Promise((resolve) => rude.close(resolve));
    }
  });
});
