import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CREDENTIALS } from '../../emulator/protocol/credentials.ts';
import {
  captureIo,
  cli,
  isolatedStateEnv,
  type Workspace,
  workspace,
} from '../cli/run-fixtures.ts';

const BIN = resolve(import.meta.dirname, '../../bin/dr-replicator.mjs');

/** The emulator in its own process, so that faking this process's clock leaves the cloud's. */
async function launchEmulator(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'emulator', '--world', 'demo', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rl = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((done, fail) => {
    rl.on('line', (line) => {
      const m = /^emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) done(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`emulator exited with ${code}`)));
  });
  return { child, url };
}

describe('a run whose clock is 20 minutes off the API', () => {
  let emulator: { child: ChildProcess; url: string };
  let ws: Workspace;
  beforeAll(async () => {
    emulator = await launchEmulator();
  });
  afterAll(() => {
    emulator?.child.kill('SIGKILL');
  });
  beforeEach(async () => {
    ws = await workspace();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await ws.remove();
  });

  it('aborts once with one clock-skew alert giving the measured skew, not destination-stopped or source-unavailable noise', async () => {
    const policy = await ws.policy('p.yaml');
    const io = captureIo({
      ...isolatedStateEnv(),
      ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_CREDENTIALS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_CREDENTIALS.accessKeySecret,
      DR_REPLICATOR_ENDPOINT: emulator.url,
    });
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 20 * 60_000);

    expect(await cli(io, 'run', '--policy', policy)).toBe(3);

    const alerts = (await ws.records()).filter((r) => r.kind === 'alert');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      alert: 'clock-skew',
      errorCode: 'InvalidTimeStamp.Expired',
      message: expect.stringMatching(/clock here is (19 min \d+|20 min \d) s ahead of the API.s/),
    });
    expect(io.stdoutText()).toMatch(/ahead of the API's.*NTP/);
    const items = (await ws.records()).filter((r) => r.kind === 'item');
    expect(items).toEqual([]);
  });
});
