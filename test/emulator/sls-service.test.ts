import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeLogGroup } from '../../emulator/sls/proto.ts';
import { SlsService } from '../../emulator/sls/service.ts';
import { type StandaloneSls, startSlsServer } from '../../emulator/sls/standalone.ts';
import { connectSls, type SlsConnection } from '../../lib/cloud/sls-client.ts';
import { slsAdmin } from '../support/sls-admin.ts';

const AK = 'LTAI-sls-test';
const SECRET = 'sls-test-secret-value';
const secrets: Record<string, string> = { [AK]: SECRET };
const PROJECT = 'dr-project';
const STORE = 'replicator';

let sls: StandaloneSls;
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'sls-service-'));
  sls = await startSlsServer({ stateDir, lookupSecret: (ak) => secrets[ak] });
});
afterAll(async () => {
  await sls.close();
  await rm(stateDir, { recursive: true, force: true });
});
beforeEach(() => sls.service.reset());

function connect(secret = SECRET, securityToken?: string): SlsConnection {
  return connectSls({
    region: 'cn-hangzhou',
    endpoint: sls.endpoint,
    credentials: {
      accessKeyId: AK,
      accessKeySecret: secret,
      ...(securityToken === undefined ? {} : { securityToken }),
    },
  });
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function put(
  conn: SlsConnection,
  logs: { timestamp: number; content: Record<string, string> }[],
  extra: { topic?: string; source?: string; tags?: Record<string, string>[] } = {},
  store = STORE,
) {
  return conn.client.postLogStoreLogs(PROJECT, store, { logs, ...extra }, conn.requestOptions);
}

async function get(conn: SlsConnection, data: Record<string, unknown>, from = nowSeconds() - 60) {
  const result = await conn.client.getLogs(
    PROJECT,
    STORE,
    new Date(from * 1000),
    new Date((nowSeconds() + 60) * 1000),
    data,
    conn.requestOptions,
  );
  return result as Record<string, string | number>[];
}

/** A PutLogs request signed by the SDK's own signer, sent with the given body and headers. */
async function rawPut(
  conn: SlsConnection,
  signedBody: Buffer,
  sentBody: Buffer,
  headers: Record<string, string | number>,
): Promise<{ status: number; body: { errorCode?: string } }> {
  const path = `/logstores/${STORE}/shards/lb`;
  const client = conn.client as unknown as {
    _sign(verb: string, path: string, q: object, h: object, c: object): string;
  };
  const { createHash } = await import('node:crypto');
  const all: Record<string, string | number> = {
    'content-type': 'application/x-protobuf',
    date: new Date().toUTCString(),
    'x-log-apiversion': '0.6.0',
    'x-log-signaturemethod': 'hmac-sha1',
    'content-md5': createHash('md5').update(signedBody).digest('hex').toUpperCase(),
    ...headers,
  };
  all.authorization = client._sign('POST', path, {}, all, {
    accessKeyId: AK,
    accessKeySecret: SECRET,
  });
  const url = new URL(sls.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        headers: { ...all, host: `${PROJECT}.${url.host}`, 'content-length': sentBody.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text === '' ? {} : JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(sentBody);
  });
}

describe('SlsService over @alicloud/log', () => {
  describe('PutLogs and GetLogs', () => {
    it('returns written logs with their contents, time, topic, source and tags', async () => {
      const conn = connect();
      const t = nowSeconds();
      await put(conn, [{ timestamp: t, content: { kind: 'run', runId: 'r-1' } }], {
        topic: 'dr',
        source: 'fc-host',
        tags: [{ env: 'test' }],
      });

      const logs = await get(conn, { query: '*' });

      expect(logs).toEqual([
        expect.objectContaining({
          __time__: t,
          __topic__: 'dr',
          __source__: 'fc-host',
          '__tag__:env': 'test',
          kind: 'run',
          runId: 'r-1',
        }),
      ]);
    });

    it('pages with line and offset, oldest first unless reverse=true', async () => {
      const conn = connect();
      const t = nowSeconds() - 10;
      await put(
        conn,
        [0, 1, 2, 3, 4].map((i) => ({ timestamp: t + i, content: { n: String(i) } })),
      );

      const forward = await get(conn, { line: 2, offset: 1 });
      const backward = await get(conn, { line: 2, offset: 1, reverse: true });

      expect(forward.map((l) => l.n)).toEqual(['1', '2']);
      expect(backward.map((l) => l.n)).toEqual(['3', '2']);
    });

    it('filters with the search syntax and by topic', async () => {
      const conn = connect();
      const t = nowSeconds();
      await put(conn, [
        { timestamp: t, content: { kind: 'item', outcome: 'failed' } },
        { timestamp: t, content: { kind: 'item', outcome: 'completed' } },
      ]);
      await put(conn, [{ timestamp: t, content: { kind: 'run' } }], { topic: 'other' });

      expect((await get(conn, { query: 'not outcome: completed' })).map((l) => l.kind)).toEqual([
        'item',
        'run',
      ]);
      expect(await get(conn, { topic: 'other' })).toHaveLength(1);
    });

    it('refuses more than 100 lines per GetLogs', async () => {
      await expect(get(connect(), { line: 101 })).rejects.toMatchObject({
        code: 'ParameterInvalid',
      });
    });

    it('refuses a log time outside [now - 7 days, now + 15 min]', async () => {
      const old = nowSeconds() - 8 * 24 * 3600;
      await expect(put(connect(), [{ timestamp: old, content: { a: 'b' } }])).rejects.toMatchObject(
        { code: 'PostBodyInvalid' },
      );
    });

    it('refuses reserved content keys with InvalidKey', async () => {
      await expect(
        put(connect(), [{ timestamp: nowSeconds(), content: { __topic__: 'x' } }]),
      ).rejects.toMatchObject({ code: 'InvalidKey' });
    });
  });

  describe('authentication', () => {
    it('answers a wrong secret with SignatureNotMatch and a request id', async () => {
      const attempt = put(connect('wrong-secret'), [{ timestamp: nowSeconds(), content: {} }]);
      await expect(attempt).rejects.toMatchObject({
        code: 'SignatureNotMatch',
        requestid: expect.stringMatching(/^[0-9A-F]{24}$/),
      });
    });

    it('answers an unknown AccessKey id with Unauthorized', async () => {
      const conn = connectSls({
        region: 'cn-hangzhou',
        endpoint: sls.endpoint,
        credentials: { accessKeyId: 'LTAI-nobody', accessKeySecret: SECRET },
      });
      await expect(put(conn, [{ timestamp: nowSeconds(), content: {} }])).rejects.toMatchObject({
        code: 'Unauthorized',
      });
    });

    it('accepts an STS security token, which is part of the signed headers', async () => {
      await put(connect(SECRET, 'sts-token'), [{ timestamp: nowSeconds(), content: { a: '1' } }]);
      expect(await get(connect(), {})).toHaveLength(1);
    });
  });

  describe('request bodies', () => {
    const group = () =>
      Buffer.from(
        encodeLogGroup({
          Logs: [{ Time: nowSeconds(), Contents: [{ Key: 'via', Value: 'raw' }] }],
          LogTags: [],
        }),
      );

    it('accepts a deflate body with x-log-bodyrawsize', async () => {
      const raw = group();
      const packed = deflateSync(raw);
      const res = await rawPut(connect(), packed, packed, {
        'x-log-compresstype': 'deflate',
        'x-log-bodyrawsize': raw.length,
      });
      expect(res.status).toBe(200);
      expect(await get(connect(), { query: 'via: raw' })).toHaveLength(1);
    });

    it('accepts an lz4 block body', async () => {
      const raw = group();
      // A valid LZ4 block of one literal-only sequence: token 0xF0, the length past 15 in
      // 255-runs, then the bytes.
      const extra: number[] = [];
      for (let rest = raw.length - 15; ; rest -= 255) {
        extra.push(Math.min(rest, 255));
        if (rest < 255) break;
      }
      const block = Buffer.concat([Buffer.from([0xf0, ...extra]), raw]);
      const res = await rawPut(connect(), block, block, {
        'x-log-compresstype': 'lz4',
        'x-log-bodyrawsize': raw.length,
      });
      expect(res.status).toBe(200);
      expect(await get(connect(), { query: 'via: raw' })).toHaveLength(1);
    });

    it('refuses an unknown x-log-compresstype', async () => {
      const raw = group();
      const res = await rawPut(connect(), raw, raw, {
        'x-log-compresstype': 'snappy',
        'x-log-bodyrawsize': raw.length,
      });
      expect(res).toEqual({
        status: 400,
        body: expect.objectContaining({ errorCode: 'InvalidCompressType' }),
      });
    });

    it('refuses a body that does not match its content-md5', async () => {
      const raw = group();
      const tampered = Buffer.from(raw);
      tampered[tampered.length - 1] = 0x21;
      const res = await rawPut(connect(), raw, tampered, {});
      expect(res.body.errorCode).toBe('PostBodyInvalid');
    });

    it('refuses bytes that are not a LogGroup', async () => {
      const junk = Buffer.from([0x0a, 0x05, 0xff]);
      const res = await rawPut(connect(), junk, junk, {});
      expect(res.body.errorCode).toBe('PostBodyInvalid');
    });
  });

  describe('strict mode', () => {
    it('answers ProjectNotExist, then LogStoreNotExist, until both are created', async () => {
      const conn = connect();
      const log = [{ timestamp: nowSeconds(), content: { a: '1' } }];
      expect(await slsAdmin(sls.endpoint, 'strict', { enabled: true })).toBe(200);

      await expect(put(conn, log)).rejects.toMatchObject({ code: 'ProjectNotExist' });
      expect(
        await slsAdmin(sls.endpoint, 'projects', { project: PROJECT, logstores: ['other'] }),
      ).toBe(200);
      await expect(put(conn, log)).rejects.toMatchObject({ code: 'LogStoreNotExist' });
      expect(
        await slsAdmin(sls.endpoint, 'projects', { project: PROJECT, logstores: [STORE] }),
      ).toBe(200);
      await expect(put(conn, log)).resolves.toBeDefined();
    });
  });

  describe('logstores', () => {
    it('creates a logstore with CreateLogStore and lists it', async () => {
      const conn = connect();
      const sdk = conn.client as unknown as {
        createLogStore(p: string, l: string, d: object, o: object): Promise<unknown>;
        listLogStore(p: string, d: object, o: object): Promise<{ logstores: string[] }>;
      };
      await slsAdmin(sls.endpoint, 'strict', { enabled: true });
      await slsAdmin(sls.endpoint, 'projects', { project: PROJECT });

      await sdk.createLogStore(PROJECT, STORE, { ttl: 30, shardCount: 2 }, conn.requestOptions);

      const listed = await sdk.listLogStore(PROJECT, {}, conn.requestOptions);
      expect(listed.logstores).toEqual([STORE]);
      await expect(
        sdk.createLogStore(PROJECT, STORE, {}, conn.requestOptions),
      ).rejects.toMatchObject({ code: 'LogStoreAlreadyExist' });
    });
  });

  describe('fault injection', () => {
    it('fails the next calls with the injected code, then recovers', async () => {
      const conn = connect();
      await slsAdmin(sls.endpoint, 'faults', {
        errorCode: 'ServerBusy',
        httpStatus: 503,
        count: 1,
      });
      await expect(get(conn, {})).rejects.toMatchObject({ code: 'ServerBusy' });
      await expect(get(conn, {})).resolves.toEqual([]);
    });
  });

  describe('persistence', () => {
    it('flushes to stateDir and a new service over the same folder sees the logs', async () => {
      await put(connect(), [{ timestamp: nowSeconds(), content: { kept: 'yes' } }]);
      await sls.service.flush();

      const reopened = new SlsService({ stateDir, lookupSecret: () => undefined });
      const logs = reopened.query(PROJECT, STORE, { from: 0, to: nowSeconds() + 60 });

      expect(logs.map((l) => l.contents)).toEqual([{ kept: 'yes' }]);
    });

    it('writes on its own shortly after a change, without a flush', async () => {
      await put(connect(), [{ timestamp: nowSeconds(), content: { unflushed: 'kept' } }]);
      const reopened = () =>
        new SlsService({ stateDir, lookupSecret: () => undefined })
          .query(PROJECT, STORE, { from: 0, to: nowSeconds() + 60 })
          .map((l) => l.contents);
      await vi.waitFor(() => expect(reopened()).toEqual([{ unflushed: 'kept' }]), {
        timeout: 5_000,
        interval: 25,
      });
    });
  });
});
