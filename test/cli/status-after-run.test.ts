import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator, syntheticWorld } from '../../emulator/index.ts';
import { main } from '../../lib/cli/main.ts';
import type { StatusReport } from '../../lib/ops/status-model.ts';
import { captureIo, emulatorEnv, writePolicy } from '../ops/cli-harness.ts';

/**
 * status over what the real engine left behind: copies it started (in flight, no recovery
 * point yet), then the same copies completed on the emulator's clock.
 */
describe('dr-replicator status after a real run', () => {
  let emulator: RunningEmulator;
  let dir: string;
  let policyFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dr-status-run-'));
    emulator = await startEmulator({
      world: syntheticWorld({
        regions: ['cn-hangzhou'],
        disksPerRegion: 3,
        snapshotsPerDisk: 1,
        now: new Date(),
        tagged: { dr: 'true' },
        destinations: ['cn-beijing'],
      }),
    });
    policyFile = await writePolicy(dir, 'policy.yaml', {
      name: 'e2e',
      schedule: '0 0 * * * *',
      source: { regions: ['cn-hangzhou'], select: { tags: { dr: 'true' } } },
      destinations: [{ region: 'cn-beijing', rpoHours: 24 }],
      log: { type: 'file', path: 'records.jsonl' },
    });
  });
  afterAll(async () => {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function cli(args: string[]) {
    const { io, stdout } = captureIo(emulatorEnv(emulator), dir);
    const code = await main(['node', 'dr-replicator', ...args], io);
    return { code, stdout: stdout() };
  }

  it('shows first copies as pending right after the run, then healthy once they complete', async () => {
    expect((await cli(['run', '--policy', policyFile])).code).toBe(0);

    const during = await cli(['status', '--policy', policyFile, '--output', 'json', '--no-alerts']);
    const before = JSON.parse(during.stdout) as StatusReport;
    // A first copy in flight within the RPO is not a breach.
    expect(during.code).toBe(0);
    expect(before.cells).toHaveLength(3);
    expect(before.cells.every((c) => c.state === 'pending' && c.inFlight.length === 1)).toBe(true);
    expect(before.heartbeat.state).toBe('ok');

    // Well past the emulator's copy time for a 40 GiB disk.
    emulator.admin.advanceClock(600);
    const after = await cli(['status', '--policy', policyFile, '--output', 'json', '--no-alerts']);
    const report = JSON.parse(after.stdout) as StatusReport;
    expect(report.cells.map((c) => c.state)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(report.summary.inFlight).toBe(0);
    expect(after.code).toBe(0);
  });
});
