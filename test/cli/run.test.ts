import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan, RunSummary } from '../../lib/engine/types.ts';
import { captureIo, cli, emulatorEnv, useDemoCloud } from './run-fixtures.ts';

const DAY_SECONDS = 86_400;

describe('dr-replicator run', () => {
  const bed = useDemoCloud();

  async function runJson(...args: string[]): Promise<{ code: number; summary: RunSummary }> {
    const io = captureIo(emulatorEnv(bed.emulator));
    const code = await cli(io, 'run', ...args, '--output', 'json');
    return { code, summary: JSON.parse(io.stdoutText()) as RunSummary };
  }

  /** copyMode latest: one copy per disk and destination, so a second run has nothing to start. */
  const latest = () =>
    bed.ws.policy('latest.yaml', (p) => {
      p.source.copyMode = 'latest';
    });

  it('starts one CopySnapshot per planned copy and exits 0', async () => {
    const policy = await latest();
    const planIo = captureIo(emulatorEnv(bed.emulator));
    await cli(planIo, 'plan', '--policy', policy, '--output', 'json');
    const planned = (JSON.parse(planIo.stdoutText()) as Plan).items.filter(
      (i) => i.action === 'copy',
    );

    const { code, summary } = await runJson('--policy', policy);

    expect(code).toBe(0);
    expect(summary.totals.started).toBe(planned.length);
    expect(bed.emulator.admin.calls({ action: 'CopySnapshot' })).toHaveLength(planned.length);
  });

  it('ends with a summary table: one row per destination and a total', async () => {
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'run', '--policy', await latest())).toBe(0);

    const lines = io.stdoutText().split('\n');
    expect(lines[0]).toMatch(/^Run run-\S+ of policy demo-dr: ok in /);
    expect(lines.find((l) => l.startsWith('DESTINATION'))).toMatch(/STARTED +COMPLETED/);
    expect(lines.some((l) => l.startsWith('cn-beijing '))).toBe(true);
    expect(lines.some((l) => l.startsWith('ap-southeast-1 '))).toBe(true);
    expect(lines.find((l) => l.startsWith('total '))).toMatch(/ ok$/);
  });

  it('records the completions on the next run and starts no new copy', async () => {
    const policy = await latest();
    const first = await runJson('--policy', policy);
    bed.emulator.admin.advanceClock(DAY_SECONDS);

    const second = await runJson('--policy', policy);

    expect(second.code).toBe(0);
    expect(second.summary.totals.completed).toBe(first.summary.totals.started);
    expect(second.summary.totals.started).toBe(0);
  });

  it('stamps --run-id on the summary and on every record', async () => {
    const { summary } = await runJson('--policy', await latest(), '--run-id', 'ticket-4711');

    const records = await bed.ws.records();
    expect(summary.runId).toBe('ticket-4711');
    expect(records.length).toBeGreaterThan(0);
    expect(new Set(records.map((r) => r.runId))).toEqual(new Set(['ticket-4711']));
  });

  it('copies nothing with --dry-run and says it was a dry run', async () => {
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'run', '--policy', await latest(), '--dry-run')).toBe(0);

    expect(io.stdoutText().split('\n')[0]).toContain('(dry run)');
    expect(bed.emulator.admin.calls({ action: 'CopySnapshot' })).toEqual([]);
  });

  it('sends no call once the --budget is spent: the next run does the work', async () => {
    const { summary } = await runJson('--policy', await latest(), '--budget', '1ms');

    expect(summary.totals.started).toBe(0);
    // Every call's timeout is capped by the budget left; with none left nothing is sent.
    expect(bed.emulator.admin.calls()).toEqual([]);
  });

  it('prints one plain progress line per event on stderr when not on a terminal', async () => {
    const io = captureIo(emulatorEnv(bed.emulator));

    await cli(io, 'run', '--policy', await latest());

    const err = io.stderrText();
    expect(err).toMatch(/^phase execute$/m);
    expect(err).toMatch(/^planned \d+ \(ap-southeast-1 \d+, cn-beijing \d+\)$/m);
    expect(err).toMatch(/^started s-\S+ -> cn-beijing$/m);
    expect(err).not.toContain('\x1b[');
  });

  it('draws a live bar with per-destination counts on a terminal', async () => {
    const io = captureIo(emulatorEnv(bed.emulator), { isTTY: true });

    await cli(io, 'run', '--policy', await latest());

    const lastFrame = io.err.at(-1) ?? '';
    const ESC = '\x1b';
    expect(lastFrame.startsWith(`${ESC}[`)).toBe(true);
    expect(lastFrame).toContain(`F${ESC}[J`);
    expect(lastFrame).toMatch(/\[#+\] (\d+)\/\1 100%/);
    expect(lastFrame).toMatch(/^ {2}cn-beijing +planned \d+ {2}started \d+/m);
  });

  it('on SIGINT starts no new copy, finishes the run and prints the summary', async () => {
    const io = captureIo(emulatorEnv(bed.emulator));
    const stderr = io.stderr;
    io.stderr = (text) => {
      stderr(text);
      // Ctrl-C just as the copies are about to start.
      if (text === 'phase execute\n') process.emit('SIGINT', 'SIGINT');
    };

    const code = await cli(io, 'run', '--policy', await latest(), '--output', 'json');

    const summary = JSON.parse(io.stdoutText()) as RunSummary;
    expect(io.stderrText()).toContain('SIGINT: finishing in-flight calls, starting no new copies');
    expect(summary.totals.started).toBe(0);
    expect(summary.totals.deferred).toBeGreaterThan(0);
    expect(bed.emulator.admin.calls({ action: 'CopySnapshot' })).toEqual([]);
    expect(code).toBe(summary.exitCode);
    expect(process.listeners('SIGINT')).toEqual([]);
  });

  it('exits 1 and names the stopped destination when its KMS key is disabled', async () => {
    bed.emulator.admin.setKeyState('cn-beijing', 'key-demo-beijing', 'Disabled');
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'run', '--policy', await latest())).toBe(1);

    expect(io.stdoutText()).toMatch(/^cn-beijing .* stopped: \S+$/m);
    expect(io.stdoutText()).toMatch(/^Stopped cn-beijing: /m);
  });

  it('exits 3 when the account cannot copy snapshots at all', async () => {
    bed.emulator.admin.setAccount({ balanceOk: false });
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'run', '--policy', await latest())).toBe(3);

    expect(`${io.stdoutText()}${io.stderrText()}`).toContain(
      'InvalidAccountStatus.NotEnoughBalance',
    );
  });

  it('exits 3 when the records cannot be written', async () => {
    await writeFile(path.join(bed.ws.dir, 'blocker'), 'a file where a folder should be');
    const policy = await bed.ws.policy('p.yaml', (p) => {
      p.source.copyMode = 'latest';
      p.log = { type: 'file', path: 'blocker/records.jsonl' };
    });
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'run', '--policy', policy)).toBe(3);

    expect(io.stderrText()).toMatch(/^dr-replicator run: aborted: \S+: /m);
  });

  it.each([['ten minutes'], ['0s']])('exits 2 on --budget %j', async (budget) => {
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'run', '--policy', await latest(), '--budget', budget)).toBe(2);

    expect(io.stderrText()).toMatch(/duration|longer than zero/);
    expect(bed.emulator.admin.calls()).toEqual([]);
  });

  it('never prints the access key secret', async () => {
    const io = captureIo(emulatorEnv(bed.emulator), { isTTY: true });
    bed.emulator.admin.setKeyState('cn-beijing', 'key-demo-beijing', 'Disabled');

    await cli(io, 'run', '--policy', await latest());

    const all = `${io.stdoutText()}${io.stderrText()}${JSON.stringify(await bed.ws.records())}`;
    expect(all).not.toContain(bed.emulator.credentials.accessKeySecret);
  });
});
