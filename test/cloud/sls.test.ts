import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type StandaloneSls, startSlsServer } from '../../emulator/sls/standalone.ts';
import { createSlsReader, createSlsSink, LogSinkError } from '../../lib/cloud/sls.ts';
import { connectSls } from '../../lib/cloud/sls-client.ts';
import type { ItemRecord, LogRecord, RunRecord } from '../../lib/records/types.ts';
import { slsAdmin } from '../support/sls-admin.ts';

const AK = 'LTAI-adapter';
const SECRET = 'adapter-secret-0123456789';
const TOKEN = 'sts-token-abcdefghijklmnop';
const PROJECT = 'dr-logs';
const STORE = 'replicator';
const PUT_PATH = `/logstores/${STORE}/shards/lb`;
const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

let sls: StandaloneSls;
beforeAll(async () => {
  sls = await startSlsServer({ lookupSecret: (ak) => (ak === AK ? SECRET : undefined) });
});
afterAll(() => sls.close());
beforeEach(() => {
  sls.service.reset();
  sls.requests.length = 0;
});

const base = (endpoint = sls.endpoint, secret = SECRET) => ({
  project: PROJECT,
  logstore: STORE,
  region: 'cn-hangzhou',
  endpoint,
  credentials: { accessKeyId: AK, accessKeySecret: secret, securityToken: TOKEN },
  retry: fastRetry,
});

function item(n: number, overrides: Partial<ItemRecord> = {}): ItemRecord {
  return {
    kind: 'item',
    runId: 'run-1',
    policy: 'prod',
    time: new Date(Date.now() - 1000 + (n % 1000)).toISOString(),
    sourceRegion: 'cn-hangzhou',
    sourceSnapshotId: `s-${n}`,
    diskId: `d-${n}`,
    destRegion: 'cn-shanghai',
    outcome: 'started',
    attempts: 1,
    durationMs: 12,
    message: `copy ${n} started`,
    ...overrides,
  };
}

const run: RunRecord = {
  kind: 'run',
  runId: 'run-1',
  policy: 'prod',
  time: new Date(Date.now() - 500).toISOString(),
  startedAt: new Date(Date.now() - 2000).toISOString(),
  finishedAt: new Date(Date.now() - 500).toISOString(),
  durationMs: 1500,
  exitCode: 1,
  totals: {
    started: 1,
    'already-copied': 0,
    'in-progress': 0,
    completed: 0,
    failed: 1,
    skipped: 0,
    deferred: 0,
    pruned: 0,
    're-copy': 0,
    restored: 0,
    'restore-failed': 0,
  },
  apiCalls: { CopySnapshot: 2 },
  message: 'partial',
};

const putCount = () => sls.requests.filter((r) => r.path === PUT_PATH).length;
const window = () => ({ from: new Date(Date.now() - 60_000), to: new Date() });

describe('createSlsSink', () => {
  it('writes records the reader gets back as the same fields, stringified', async () => {
    const sink = createSlsSink(base());
    const failed = item(1, { outcome: 'failed', errorCode: 'QuotaExceed.Snapshot' });
    await sink.write([failed, run]);
    await sink.close();

    const back = await createSlsReader(base()).query(window());

    const stringified = (r: LogRecord) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          typeof v === 'object' ? JSON.stringify(v) : String(v),
        ]),
      );
    expect(back).toEqual([stringified(run), stringified(failed)]);
    expect(JSON.parse(back[0]!.totals!)).toEqual(run.totals);
  });

  it('uses the record time as the log time, milliseconds as the nanosecond part', async () => {
    const anHourAgo = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    const record = item(7, { time: new Date(anHourAgo + 250).toISOString() });
    const sink = createSlsSink(base());
    await sink.write([record]);
    await sink.close();

    const [stored] = sls.service.query(PROJECT, STORE, { from: 0, to: 2 ** 31 });
    expect(stored?.time).toBe(anHourAgo / 1000);
    expect(stored?.timeNs).toBe(250_000_000);
  });

  it('buffers until close when fewer records than a batch are written', async () => {
    const sink = createSlsSink(base());
    await sink.write([item(1), item(2)]);
    expect(putCount()).toBe(0);
    await sink.close();
    expect(putCount()).toBe(1);
  });

  it('splits a 10 000-record write into PutLogs of at most 4096 logs', async () => {
    const sink = createSlsSink(base());
    const records = Array.from({ length: 10_000 }, (_, n) => item(n));
    await sink.write(records);
    await sink.close();

    const stored = sls.service.query(PROJECT, STORE, { from: 0, to: 2 ** 31 });
    expect(putCount()).toBe(3);
    expect(stored).toHaveLength(10_000);
    expect(new Set(stored.map((l) => l.contents.sourceSnapshotId)).size).toBe(10_000);
  });

  it('splits by bytes when records are large', async () => {
    const sink = createSlsSink({ ...base(), batch: { maxBytes: 64 * 1024 } });
    const records = Array.from({ length: 40 }, (_, n) => item(n, { message: 'x'.repeat(8000) }));
    await sink.write(records);
    await sink.close();

    expect(putCount()).toBeGreaterThanOrEqual(5);
    expect(sls.service.query(PROJECT, STORE, { from: 0, to: 2 ** 31 })).toHaveLength(40);
  });

  it('retries throttling and 5xx answers, writing each record once', async () => {
    await slsAdmin(sls.endpoint, 'faults', {
      errorCode: 'WriteQuotaExceed',
      httpStatus: 403,
      count: 2,
    });
    const sink = createSlsSink(base());
    await sink.write([item(1)]);
    await sink.close();

    expect(putCount()).toBe(3);
    expect(sls.service.query(PROJECT, STORE, { from: 0, to: 2 ** 31 })).toHaveLength(1);
  });

  it('gives up after the configured attempts with a LogSinkError carrying the SLS code', async () => {
    await slsAdmin(sls.endpoint, 'faults', { errorCode: 'ServerBusy', httpStatus: 503, count: 10 });
    const sink = createSlsSink(base());
    await sink.write([item(1)]);

    const error = await sink.close().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LogSinkError);
    expect(error).toMatchObject({ code: 'LogSinkFailed', sls: 'ServerBusy' });
    expect(putCount()).toBe(fastRetry.attempts);
  });

  it('surfaces a wrong secret as SignatureNotMatch without secret, token or signature', async () => {
    const wrongSecret = 'wrong-secret-9876543210';
    const sink = createSlsSink(base(sls.endpoint, wrongSecret));
    await sink.write([item(1)]);

    const error = (await sink.close().catch((e: unknown) => e)) as LogSinkError;

    expect(error).toBeInstanceOf(LogSinkError);
    expect(error.sls).toBe('SignatureNotMatch');
    expect(putCount()).toBe(1);
    const text = `${error.message} ${JSON.stringify(error)} ${String(error.stack)}`;
    expect(text).not.toContain(wrongSecret);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/[A-Za-z0-9+/]{27}=/);
  });

  it('reports an unreachable endpoint as ConnectionRefused after retrying', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const sink = createSlsSink(base(`http://127.0.0.1:${closedPort}`));
    await sink.write([item(1)]);

    await expect(sink.close()).rejects.toMatchObject({ sls: 'ConnectionRefused' });
  });
});

describe('createSlsReader', () => {
  it('pages through GetLogs past 100 logs, newest first, up to the limit', async () => {
    const sink = createSlsSink(base());
    await sink.write(Array.from({ length: 250 }, (_, n) => item(n)));
    await sink.close();
    const reader = createSlsReader(base());

    const all = await reader.query({ ...window(), limit: 1000 });
    const some = await reader.query({ ...window(), limit: 120 });

    expect(all).toHaveLength(250);
    expect(some).toEqual(all.slice(0, 120));
    const times = all.map((r) => Date.parse(r.time!));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('applies the query', async () => {
    const sink = createSlsSink(base());
    await sink.write([item(1, { outcome: 'failed' }), item(2), run]);
    await sink.close();

    const failed = await createSlsReader(base()).query({
      ...window(),
      query: 'kind: item and outcome: failed',
    });

    expect(failed.map((r) => r.sourceSnapshotId)).toEqual(['s-1']);
  });
});

describe('connectSls', () => {
  it('targets {region}.log.aliyuncs.com over https when no endpoint is set', () => {
    const { client } = connectSls({
      region: 'ap-southeast-1',
      credentials: { accessKeyId: AK, accessKeySecret: SECRET },
    });
    expect(client).toMatchObject({ endpoint: 'ap-southeast-1.log.aliyuncs.com', use_https: true });
  });
});
