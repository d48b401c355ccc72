import { describe, expect, it } from 'vitest';
import { captureIo, cli, emulatorEnv, useDemoCloud } from './run-fixtures.ts';

interface StatusJson {
  runs: { runId: string }[];
  heartbeat: { state: string };
}

/** A dry run rehearses: its records say so, and nothing that reads records takes it for a run. */
describe('dr-replicator run --dry-run: records', () => {
  const bed = useDemoCloud();

  async function status(policy: string): Promise<StatusJson> {
    const io = captureIo(emulatorEnv(bed.emulator));
    await cli(io, 'status', '--policy', policy, '--no-alerts', '--output', 'json');
    return JSON.parse(io.stdoutText()) as StatusJson;
  }

  it('marks every record dryRun "true"; status sees no run and no heartbeat from it', async () => {
    const policy = await bed.ws.policy('p.yaml');

    const io = captureIo(emulatorEnv(bed.emulator));
    await cli(io, 'run', '--policy', policy, '--dry-run', '--run-id', 'rehearsal');

    const records = await bed.ws.records();
    expect(records.some((r) => r.kind === 'run')).toBe(true);
    expect(records.some((r) => r.kind === 'item')).toBe(true);
    expect(records.filter((r) => r.dryRun !== 'true')).toEqual([]);
    expect(bed.emulator.admin.calls({ action: 'CopySnapshot' })).toHaveLength(0);

    const afterRehearsal = await status(policy);
    expect(afterRehearsal.runs).toEqual([]);
    expect(afterRehearsal.heartbeat.state).not.toBe('ok');

    await cli(captureIo(emulatorEnv(bed.emulator)), 'run', '--policy', policy, '--run-id', 'real');

    const afterRun = await status(policy);
    expect(afterRun.runs.map((r) => r.runId)).toEqual(['real']);
    expect(afterRun.heartbeat.state).toBe('ok');
    const real = (await bed.ws.records()).filter((r) => r.runId === 'real');
    expect(real.length).toBeGreaterThan(0);
    expect(real.filter((r) => r.dryRun !== undefined)).toEqual([]);
  });
});
