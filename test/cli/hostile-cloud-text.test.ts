import { describe, expect, it } from 'vitest';
import { demoWorld } from '../../emulator/world.ts';
import type { Plan } from '../../lib/engine/types.ts';
import { isUnsafeForTerminal, neutralise } from '../../lib/terminal-safe.ts';
import { captureIo, cli, emulatorEnv, useDemoCloud } from './run-fixtures.ts';

/**
 * Anyone allowed to create, name or tag a snapshot writes text that `plan`, `run` and `status`
 * print. These ids, names, tags and descriptions carry what a terminal would act on: ESC
 * sequences (clear screen, set title, colours), C1 CSI, a bell, a newline that forges a line,
 * bidi overrides that reverse what follows, and zero-width characters that hide a difference.
 */
const ESC = '\u001b';
const HOSTILE_DISK = `d-hostile${ESC}]0;owned\u0007${'\u202e'}lanigiro`;
const HOSTILE_SNAPSHOT = `s-hostile${ESC}[2J${'\u009b'}31m\nOK: every disk is within its RPO${'\u200b'}`;
const HOSTILE_NAME = `${ESC}[5mname${'\u2066'}x${'\u2069'}`;

/** What the progress bar itself writes to redraw in place: cursor up n lines, clear below. */
const CURSOR_MOVES = new RegExp(`${ESC}\\[(\\d+F)?|${ESC}\\[J`, 'g');

/** Raw characters a terminal would act on; the newlines that end lines are the output's own. */
function unsafeIn(text: string): string[] {
  return [...text].filter((c) => c !== '\n' && isUnsafeForTerminal(c.charCodeAt(0)));
}

describe('cloud text on the terminal', () => {
  const bed = useDemoCloud();

  /** The demo world plus one DR disk whose id, snapshot id, name, description and tags are hostile. */
  function loadHostileWorld(): void {
    const now = bed.emulator.admin.now();
    const world = demoWorld(now);
    world.disks.push({
      diskId: HOSTILE_DISK,
      regionId: 'cn-hangzhou',
      type: 'data',
      sizeGiB: 20,
      tags: { dr: 'true', app: `${ESC}[8mhidden` },
    });
    world.snapshots.push({
      snapshotId: HOSTILE_SNAPSHOT,
      regionId: 'cn-hangzhou',
      diskId: HOSTILE_DISK,
      name: HOSTILE_NAME,
      description: `desc${'\u202e'}${ESC}[1A`,
      creationTime: new Date(now.getTime() - 3_600_000).toISOString(),
      snapshotType: 'user',
      tags: { dr: 'true', app: `${'\u200d'}app${ESC}P` },
    });
    bed.emulator.admin.loadWorld(world);
  }

  it('plan shows hostile ids escaped in text and exact in JSON', async () => {
    loadHostileWorld();
    const policy = await bed.ws.policy('p.yaml');

    const json = captureIo(emulatorEnv(bed.emulator));
    await cli(json, 'plan', '--policy', policy, '--output', 'json');
    const plan = JSON.parse(json.stdoutText()) as Plan;
    const hostile = plan.items.filter((item) => item.sourceSnapshotId === HOSTILE_SNAPSHOT);
    expect(hostile.length).toBeGreaterThan(0);
    expect(hostile[0]?.diskId).toBe(HOSTILE_DISK);
    expect(unsafeIn(json.stdoutText())).toEqual([]);

    const text = captureIo(emulatorEnv(bed.emulator));
    await cli(text, 'plan', '--policy', policy);
    const out = text.stdoutText();
    expect(unsafeIn(out)).toEqual([]);
    expect(out).toContain(neutralise(HOSTILE_SNAPSHOT));
    expect(out).toContain(neutralise(HOSTILE_DISK));
    // The forged line stays inside its row: no line of the plan starts with it.
    expect(out.split('\n').some((line) => line.startsWith('OK: every disk'))).toBe(false);
  });

  it('run progress on stderr, on a pipe and on a terminal, and the summary show no raw control', async () => {
    loadHostileWorld();
    const policy = await bed.ws.policy('p.yaml');

    for (const isTTY of [false, true]) {
      const io = captureIo(emulatorEnv(bed.emulator), { isTTY });
      await cli(io, 'run', '--policy', policy);
      // The redrawn bar's own cursor movements are the only escapes on a terminal.
      const stderr = io.stderrText().replace(CURSOR_MOVES, '');
      expect(unsafeIn(stderr), `stderr, isTTY ${isTTY}`).toEqual([]);
      expect(unsafeIn(io.stdoutText()), `stdout, isTTY ${isTTY}`).toEqual([]);
      if (!isTTY) expect(stderr).toContain(neutralise(HOSTILE_SNAPSHOT));
    }

    const records = await bed.ws.records();
    expect(records.some((r) => r.kind === 'item' && r.sourceSnapshotId === HOSTILE_SNAPSHOT)).toBe(
      true,
    );
  });

  it('status text shows the hostile disk escaped; status JSON keeps it exact', async () => {
    loadHostileWorld();
    const policy = await bed.ws.policy('p.yaml');
    await cli(captureIo(emulatorEnv(bed.emulator)), 'run', '--policy', policy);
    bed.emulator.admin.advanceClock(6 * 3600);

    const text = captureIo(emulatorEnv(bed.emulator));
    await cli(text, 'status', '--policy', policy, '--no-alerts');
    expect(unsafeIn(text.stdoutText())).toEqual([]);
    expect(unsafeIn(text.stderrText())).toEqual([]);
    expect(text.stdoutText()).toContain(neutralise(HOSTILE_DISK));

    const json = captureIo(emulatorEnv(bed.emulator));
    await cli(json, 'status', '--policy', policy, '--no-alerts', '--output', 'json');
    expect(unsafeIn(json.stdoutText())).toEqual([]);
    const report = JSON.parse(json.stdoutText()) as { cells: { diskId: string }[] };
    expect(report.cells.map((c) => c.diskId)).toContain(HOSTILE_DISK);
  });
});
