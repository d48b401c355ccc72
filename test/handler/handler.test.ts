import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator, StsCredentials } from '../../emulator/index.ts';
import {
  createHandler,
  type FcContext,
  type HandlerFailure,
  type HandlerResult,
  handler,
} from '../../functions/replicate/index.ts';
import { createSlsReader } from '../../lib/cloud/sls.ts';
import { connectSls } from '../../lib/cloud/sls-client.ts';
import type { RunSummary } from '../../lib/engine/types.ts';
import { startDemoCloud, type Workspace, workspace } from '../cli/run-fixtures.ts';
import { startReceiver } from '../ops/receiver.ts';
import { slsAdmin } from '../support/sls-admin.ts';

const timerEvent = (payload?: string): Buffer =>
  Buffer.from(
    JSON.stringify({
      triggerTime: '2026-11-27T02:00:00Z',
      triggerName: 'every-4h',
      ...(payload === undefined ? {} : { payload }),
    }),
  );

function isSummary(result: HandlerResult): result is RunSummary {
  return !('error' in result);
}

function asFailure(result: HandlerResult): HandlerFailure {
  if (isSummary(result)) throw new Error(`expected a failure, got exit ${result.exitCode}`);
  return result;
}

describe('FC handler (functions/replicate)', () => {
  let emulator: RunningEmulator;
  let ws: Workspace;
  let sts: StsCredentials;
  let logLines: string[];
  let requestSeq = 0;

  beforeAll(async () => {
    emulator = await startDemoCloud();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(async () => {
    emulator.admin.reset();
    sts = emulator.admin.issueStsCredentials();
    ws = await workspace();
    logLines = [];
  });
  afterEach(async () => {
    await ws.remove();
  });

  /** What FC passes: the role's STS credentials, the function's timeout, a request id. */
  function fcContext(overrides: Partial<FcContext> = {}): FcContext {
    requestSeq += 1;
    return {
      requestId: `1-6746b3c0-${String(requestSeq).padStart(8, '0')}`,
      credentials: {
        accessKeyId: sts.accessKeyId,
        accessKeySecret: sts.accessKeySecret,
        securityToken: sts.securityToken,
      },
      function: { name: 'dr-replicator', handler: 'index.handler', memory: 512, timeout: 900 },
      region: 'cn-hangzhou',
      accountId: '1234567890123456',
      ...overrides,
    };
  }

  /** The handler as FC would load it from the code folder `ws.dir`. */
  function deployed(env: NodeJS.ProcessEnv = {}) {
    return createHandler({
      env: { FC_FUNC_CODE_PATH: ws.dir, DR_REPLICATOR_ENDPOINT: emulator.url, ...env },
      writeLog: (line) => logLines.push(line),
    });
  }

  const logs = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('runs the policy the timer payload names and returns the run summary', async () => {
    await ws.policy('policies/nightly.yaml');
    const context = fcContext();

    const result = await deployed()(timerEvent('{"policy":"policies/nightly.yaml"}'), context);

    if (!isSummary(result)) throw new Error(result.error.message);
    expect(result.runId).toBe(context.requestId);
    expect(result.policy).toBe('demo-dr');
    expect(result.exitCode).toBe(0);
    expect(result.totals.started).toBe(emulator.admin.calls({ action: 'CopySnapshot' }).length);
    expect(result.totals.started).toBeGreaterThan(0);
  });

  it('runs POLICY_FILE when the payload names no policy', async () => {
    await ws.policy('default.yaml');

    const result = await deployed({ POLICY_FILE: 'default.yaml' })(timerEvent(''), fcContext());

    expect(isSummary(result) && result.policy).toBe('demo-dr');
  });

  it('stamps the request id on every record as the run id', async () => {
    await ws.policy('p.yaml');
    const context = fcContext();

    await deployed({ POLICY_FILE: 'p.yaml' })(timerEvent(), context);

    const records = await ws.records();
    expect(records.some((r) => r.kind === 'run')).toBe(true);
    expect(new Set(records.map((r) => r.runId))).toEqual(new Set([context.requestId]));
  });

  it('writes JSON log lines carrying the request id, and no credential', async () => {
    await ws.policy('p.yaml');
    const context = fcContext();

    await deployed({ POLICY_FILE: 'p.yaml' })(timerEvent(), context);

    const lines = logs();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.requestId).toBe(context.requestId);
    expect(lines.at(-1)).toMatchObject({ level: 'INFO', message: 'run finished', exitCode: 0 });
    const text = logLines.join('');
    expect(text).not.toContain(sts.accessKeySecret);
    expect(text).not.toContain(sts.securityToken);
  });

  it('keeps the records SLS refused (in /tmp and as marked function-log lines), returns exit 1 with the pending count, and the next run on another instance resends them once from the function log', async () => {
    const records = { project: 'dr-missing', logstore: 'records', region: 'cn-hangzhou' };
    const fcLog = { project: 'dr-fc-logs', logstore: 'fc-runtime' };
    await ws.policy('p.yaml', (p) => {
      p.log = { type: 'sls', ...records };
    });
    // Like the real service: a project that was never created does not exist. The function's
    // own logstore does (FC writes to it with its service role).
    await slsAdmin(emulator.url, 'strict', { enabled: true });
    await slsAdmin(emulator.url, 'projects', {
      project: fcLog.project,
      logstores: [fcLog.logstore],
    });
    const env = (instance: string) => ({
      POLICY_FILE: 'p.yaml',
      DR_REPLICATOR_SPOOL_DIR: path.join(ws.dir, `tmp-${instance}`),
      DR_REPLICATOR_FUNCTION_LOG: `${fcLog.project}/${fcLog.logstore}`,
      DR_REPLICATOR_CLAIM_SETTLE_MS: '100',
    });
    const conn = connectSls({
      region: 'cn-hangzhou',
      credentials: emulator.credentials,
      endpoint: emulator.url,
    });
    /** What FC does with the function's stdout: one log per line in the function's logstore. */
    const ship = async () => {
      const now = Math.floor(Date.now() / 1000);
      await conn.client.postLogStoreLogs(
        fcLog.project,
        fcLog.logstore,
        { logs: logLines.map((line) => ({ timestamp: now, content: { message: line.trim() } })) },
        conn.requestOptions,
      );
      logLines = [];
    };

    const first = await deployed(env('a'))(timerEvent(), fcContext());

    if (!isSummary(first)) throw new Error(first.error.message);
    expect(first.exitCode).toBe(1);
    const marked = logs()
      .filter((l) => l.message === 'record pending' && l.drReplicatorPending === 'v1')
      .map((l) => l.record as Record<string, string>);
    expect(first.recordsPending).toBe(marked.length);
    const started = marked.filter((r) => r.kind === 'item' && r.outcome === 'started');
    expect(started.map((r) => r.copySnapshotId).sort()).toEqual(
      emulator.admin
        .snapshots()
        .filter((s) => s.tags['dr-replicator:policy'] === 'demo-dr' && s.status === 'progressing')
        .map((s) => s.snapshotId)
        .sort(),
    );
    expect(marked.filter((r) => r.kind === 'run')).toHaveLength(1);
    expect(logLines.join('')).not.toContain(sts.securityToken);
    await ship();

    // The log store is back; the next timer run lands on a cold instance (its /tmp is empty).
    await slsAdmin(emulator.url, 'strict', { enabled: false });
    const second = await deployed(env('b'))(timerEvent(), fcContext());

    if (!isSummary(second)) throw new Error(second.error.message);
    expect(second.exitCode).toBe(0);
    const reader = createSlsReader({
      ...records,
      credentials: emulator.credentials,
      endpoint: emulator.url,
    });
    const hour = { from: new Date(Date.now() - 3600_000), to: new Date() };
    const firstRun = await reader.query({
      ...hour,
      query: `runId: "${first.runId}"`,
      limit: 10_000,
    });
    expect(new Set(firstRun.map((r) => r.recordId))).toEqual(
      new Set(marked.map((r) => r.recordId)),
    );
    expect(firstRun).toHaveLength(marked.length);
    expect(logs().some((l) => l.message === 'records resent')).toBe(true);
    await ship();

    // A third run finds them acknowledged: nothing is sent twice.
    const third = await deployed(env('c'))(timerEvent(), fcContext());
    expect(isSummary(third) && third.exitCode).toBe(0);
    const again = await reader.query({ ...hour, query: `runId: "${first.runId}"`, limit: 10_000 });
    expect(again).toHaveLength(marked.length);
  });

  it("posts the run's alerts to the policy's webhook, with no secret in the message or the logs", async () => {
    const receiver = await startReceiver();
    try {
      const webhookSecret = 'SEC-handler-webhook-secret';
      await ws.policy('p.yaml', (p) => {
        p.source.copyMode = 'latest';
        p.alerts = { webhook: { url: receiver.url, secret: webhookSecret } };
      });
      emulator.admin.setKeyState('cn-beijing', 'key-demo-beijing', 'Disabled');

      const result = await deployed({ POLICY_FILE: 'p.yaml' })(timerEvent(), fcContext());

      expect(isSummary(result) && result.exitCode).toBe(1);
      expect(receiver.received).toHaveLength(1);
      const body = receiver.received[0]?.body ?? '';
      expect(JSON.parse(body).markdown.text).toContain('destination-stopped');
      const seen = `${body}${receiver.received[0]?.url}${logLines.join('')}`;
      for (const secret of [webhookSecret, sts.accessKeySecret, sts.securityToken]) {
        expect(seen).not.toContain(secret);
      }
    } finally {
      await receiver.close();
    }
  });

  it('takes its time budget from the function timeout: one already spent sends no call at all', async () => {
    await ws.policy('p.yaml');
    const context = fcContext({ function: { name: 'dr-replicator', timeout: 0.001 } });

    const result = await deployed({ POLICY_FILE: 'p.yaml' })(timerEvent(), context);

    if (!isSummary(result)) throw new Error(result.error.message);
    expect(result.totals.started).toBe(0);
    // Every call's timeout is capped by the budget left: with none left, nothing is sent.
    expect(emulator.admin.calls()).toEqual([]);
    expect(result.exitCode).toBe(1);
  });

  it('answers a malformed event with an error result and an ERROR log line, calling nothing', async () => {
    await ws.policy('p.yaml');
    const context = fcContext();

    const result = asFailure(
      await deployed({ POLICY_FILE: 'p.yaml' })(Buffer.from('{"triggerTime":'), context),
    );

    expect(result).toMatchObject({ runId: context.requestId, exitCode: 2 });
    expect(result.error.code).toBe('Event.Malformed');
    expect(logs().at(-1)).toMatchObject({ level: 'ERROR', errorCode: 'Event.Malformed' });
    expect(emulator.admin.calls()).toEqual([]);
  });

  it('lists every problem of an invalid policy in the error result', async () => {
    await ws.policy('bad.yaml', (p) => {
      p.destinations[0]!.retentionDays = 0;
      p.destinations[1]!.maxConcurrentCopies = 1000;
    });

    const result = asFailure(
      await deployed({ POLICY_FILE: 'bad.yaml' })(timerEvent(), fcContext()),
    );

    expect(result.error.code).toBe('PolicyInvalid');
    expect(result.error.problems).toHaveLength(2);
    expect(result.error.problems?.[0]).toMatch(/bad\.yaml:\d+:\d+: destinations\.0\.retentionDays/);
  });

  it('fails clearly when the function has no role credentials', async () => {
    await ws.policy('p.yaml');
    const { credentials: _none, ...context } = fcContext();

    const result = asFailure(await deployed({ POLICY_FILE: 'p.yaml' })(timerEvent(), context));

    expect(result.error.code).toBe('MissingCredentials');
    expect(emulator.admin.calls()).toEqual([]);
  });

  it('fails clearly when neither the event nor POLICY_FILE names a policy', async () => {
    const result = asFailure(await deployed()(timerEvent(), fcContext()));

    expect(result.error.code).toBe('PolicyNotConfigured');
  });

  describe('exported handler', () => {
    const saved: Record<string, string | undefined> = {};
    const VARS = ['DR_REPLICATOR_ENDPOINT', 'POLICY_FILE', 'FC_FUNC_CODE_PATH'] as const;

    beforeEach(() => {
      for (const name of VARS) saved[name] = process.env[name];
    });
    afterEach(() => {
      for (const name of VARS) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    });

    it('reads DR_REPLICATOR_ENDPOINT and POLICY_FILE from the process environment', async () => {
      const policy = await ws.policy('p.yaml');
      process.env.DR_REPLICATOR_ENDPOINT = emulator.url;
      process.env.POLICY_FILE = path.relative(process.cwd(), policy);
      delete process.env.FC_FUNC_CODE_PATH;

      const result = await handler(timerEvent(), fcContext());

      expect(isSummary(result) && result.exitCode).toBe(0);
    });
  });
});
