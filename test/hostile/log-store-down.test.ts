import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlsReader } from '../../lib/cloud/sls.ts';
import { captureIo, cli, emulatorEnv, useDemoCloud } from '../cli/run-fixtures.ts';
import { startReceiver } from '../ops/receiver.ts';
import { slsAdmin } from '../support/sls-admin.ts';
import { type LoopbackProxy, startProxy } from './support/proxy.ts';

const SLS = { project: 'dr-missing', logstore: 'records', region: 'cn-hangzhou' } as const;

describe('records when the log store fails', () => {
  const bed = useDemoCloud();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('are kept in a local spool, counted as pending, told to the webhook, and resent once by the next run', async () => {
    const policy = await bed.ws.policy('p.yaml', (p) => {
      p.source.copyMode = 'latest';
      p.log = { type: 'sls', ...SLS };
      p.alerts = { webhook: { url: receiver.url } };
    });
    const env = emulatorEnv(bed.emulator);
    // Like the real service: a project that was never created does not exist.
    await slsAdmin(bed.emulator.url, 'strict', { enabled: true });
    const first = captureIo(env);

    // Nothing is lost (the spool holds it): exit 1, attention needed, not 3.
    expect(await cli(first, 'run', '--policy', policy, '--run-id', 'run-down')).toBe(1);

    const match =
      /(\d+) record\(s\) could not be written to the log store: (\d+) pending in (\S+);/.exec(
        first.stderrText(),
      );
    expect(match, first.stderrText()).not.toBeNull();
    const spoolFile = match![3]!;
    expect(path.dirname(spoolFile)).toBe(env.DR_REPLICATOR_SPOOL_DIR);
    const spooled = (await readFile(spoolFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(spooled.length).toBe(Number(match![2]));
    expect(spooled.some((r) => r.kind === 'run' && r.runId === 'run-down')).toBe(true);
    expect(spooled.every((r) => typeof r.recordId === 'string')).toBe(true);
    const told = receiver.received.map((m) => m.body).join('\n');
    expect(told).toContain('LogStoreUnavailable');

    // The log store is back: the next run resends what was kept, then its own records.
    await slsAdmin(bed.emulator.url, 'strict', { enabled: false });
    const second = captureIo(env);
    expect(await cli(second, 'run', '--policy', policy, '--run-id', 'run-up')).not.toBe(3);
    expect(second.stderrText()).toMatch(new RegExp(`resending ${spooled.length} pending record`));
    await expect(readFile(spoolFile, 'utf8')).rejects.toThrow(/ENOENT/);

    const reader = createSlsReader({
      ...SLS,
      credentials: bed.emulator.credentials,
      endpoint: bed.emulator.url,
    });
    const now = bed.emulator.admin.now().getTime();
    const stored = await reader.query({
      from: new Date(now - 86_400_000),
      to: new Date(now + 3_600_000),
      query: 'runId: run-down',
      limit: 10_000,
    });
    expect(stored.length).toBe(spooled.length);
    expect(new Set(stored.map((r) => r.recordId)).size).toBe(spooled.length);
  });
});

describe('a log store that hangs', () => {
  const bed = useDemoCloud();
  let proxy: LoopbackProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
  });

  it('holds the run at most about 10 s (bounded PutLogs), and the records are spooled', async () => {
    // Every SLS request is held without an answer; ECS and KMS pass through.
    proxy = await startProxy(bed.emulator.url, (req) => (req.url ?? '').startsWith('/logstores'));
    const policy = await bed.ws.policy('p.yaml', (p) => {
      p.source.copyMode = 'latest';
      p.log = { type: 'sls', ...SLS };
    });
    const env = { ...emulatorEnv(bed.emulator), DR_REPLICATOR_ENDPOINT: proxy.url };
    const io = captureIo(env);

    const started = performance.now();
    expect(await cli(io, 'run', '--policy', policy, '--output', 'json')).toBe(1);
    // A contract, not a benchmark: 4 attempts of 10 s each took 42 s before writes were bounded.
    expect(performance.now() - started).toBeLessThan(25_000);
    expect(io.stderrText()).toMatch(/pending in \S+; the next run resends them/);
  }, 60_000);
});

describe('status when the log store fails', () => {
  const bed = useDemoCloud();

  it('shows what the cloud shows under a "log store unavailable" banner instead of exit 3', async () => {
    const ran = await bed.ws.policy('ran.yaml', (p) => {
      p.source.copyMode = 'latest';
    });
    const env = emulatorEnv(bed.emulator);
    await cli(captureIo(env), 'run', '--policy', ran);
    // The same policy, logging to a project the (strict) log store does not have.
    const policy = await bed.ws.policy('down.yaml', (p) => {
      p.source.copyMode = 'latest';
      p.log = {
        type: 'sls',
        project: 'dr-never-created',
        logstore: 'records',
        region: 'cn-hangzhou',
      };
    });
    await slsAdmin(bed.emulator.url, 'strict', { enabled: true });
    const io = captureIo(env);

    const code = await cli(io, 'status', '--policy', policy);

    expect(code).not.toBe(3);
    expect(io.stdoutText()).toMatch(/LOG STORE UNAVAILABLE: showing what the cloud shows/);
    expect(io.stdoutText()).toMatch(/heartbeat: unknown - log store unavailable/);
    expect(io.stdoutText()).toMatch(/pending|healthy/);
    expect(io.stderrText()).toMatch(/log store unavailable, showing what the cloud shows/);
    await slsAdmin(bed.emulator.url, 'strict', { enabled: false });
  });
});
