import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../lib/records/types.ts';
import { captureIo, cli, emulatorEnv, useDemoCloud } from '../cli/run-fixtures.ts';

function distinct(
  records: LogRecord[],
  outcome: string,
): { records: number; ids: number; copies: number } {
  const items = records.filter((r) => r.kind === 'item' && r.outcome === outcome);
  return {
    records: items.length,
    ids: new Set(items.map((r) => r.recordId)).size,
    copies: new Set(items.map((r) => (r.kind === 'item' ? r.copySnapshotId : ''))).size,
  };
}

describe('two runs of one policy at once', () => {
  const bed = useDemoCloud();

  it('count each copy once where queries count distinct record ids, although both record it', async () => {
    const policy = await bed.ws.policy('p.yaml');
    const twice = (round: number) =>
      Promise.all([
        cli(
          captureIo(emulatorEnv(bed.emulator)),
          'run',
          '--policy',
          policy,
          '--run-id',
          `run-a${round}`,
        ),
        cli(
          captureIo(emulatorEnv(bed.emulator)),
          'run',
          '--policy',
          policy,
          '--run-id',
          `run-b${round}`,
        ),
      ]);
    await twice(1);
    bed.emulator.admin.advanceClock(6 * 3600);
    await twice(2);

    const records = await bed.ws.records();
    expect(records.every((r) => typeof r.recordId === 'string' && r.recordId.length === 32)).toBe(
      true,
    );
    const completed = distinct(records, 'completed');
    expect(completed.copies).toBeGreaterThan(0);
    expect(completed.ids).toBe(completed.copies);
    const started = distinct(records, 'started');
    expect(started.ids).toBe(started.copies);
    // Per-run events keep one id per run.
    expect(new Set(records.filter((r) => r.kind === 'run').map((r) => r.recordId)).size).toBe(4);
  });
});

describe('the run lease', () => {
  const bed = useDemoCloud();

  it('lets one of two simultaneous runs of a policy work; the other says it yielded and records nothing', async () => {
    const policy = await bed.ws.policy('p.yaml');
    // One machine: both runs share the state folder the lease lives in.
    const env = emulatorEnv(bed.emulator);
    const a = captureIo(env);
    const b = captureIo(env);

    const codes = await Promise.all([
      cli(a, 'run', '--policy', policy, '--run-id', 'run-first'),
      cli(b, 'run', '--policy', policy, '--run-id', 'run-second'),
    ]);

    expect(codes).toEqual([0, 0]);
    const yielded = [a, b].filter((io) =>
      /yielded: demo-dr is being run by run-\w+/.test(io.stderrText()),
    );
    expect(yielded).toHaveLength(1);
    const runIds = new Set((await bed.ws.records()).map((r) => r.runId));
    expect(runIds.size).toBe(1);

    // Released at the end: the next run works.
    const c = captureIo(env);
    await cli(c, 'run', '--policy', policy, '--run-id', 'run-third');
    expect(c.stderrText()).not.toMatch(/yielded/);
    expect(new Set((await bed.ws.records()).map((r) => r.runId))).toContain('run-third');
  });
});
