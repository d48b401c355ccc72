import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../lib/engine/records.ts';
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
