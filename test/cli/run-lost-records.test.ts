import { describe, expect, it } from 'vitest';
import { slsAdmin } from '../support/sls-admin.ts';
import { captureIo, cli, emulatorEnv, useDemoCloud } from './run-fixtures.ts';

const LOST = 'dr-replicator: record not written to SLS: ';

describe('dr-replicator run when SLS refuses the records', () => {
  const bed = useDemoCloud();

  it('exits 1 (not 3) when the records it could not write are kept in the spool, and prints each to stderr as JSON', async () => {
    const policy = await bed.ws.policy('p.yaml', (p) => {
      p.log = { type: 'sls', project: 'dr-missing', logstore: 'records', region: 'cn-hangzhou' };
    });
    // Like the real service: a project that was never created does not exist.
    await slsAdmin(bed.emulator.url, 'strict', { enabled: true });
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'run', '--policy', policy)).toBe(1);

    const kept = io
      .stderrText()
      .split('\n')
      .filter((line) => line.startsWith(LOST))
      .map((line) => JSON.parse(line.slice(LOST.length)) as Record<string, string>);
    const started = kept.filter((r) => r.kind === 'item' && r.outcome === 'started');
    expect(started).toHaveLength(bed.emulator.admin.calls({ action: 'CopySnapshot' }).length);
    expect(started.length).toBeGreaterThan(0);
    expect(kept.filter((r) => r.kind === 'run')).toHaveLength(1);
    expect(io.stderrText()).not.toMatch(/aborted/);
    expect(io.stderrText()).toMatch(
      /could not be written to the log store: \d+ pending in .*the next run resends them/,
    );
  });
});
