import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { demoSnapshot, popClient, start } from './support/clients.ts';
import { validCopy } from './support/copy-params.ts';

interface Page {
  Snapshots: { Snapshot: { SnapshotId: string; Status: string }[] };
}

let dir: string;
const running: RunningEmulator[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'emulator-race-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
  await rm(dir, { recursive: true, force: true });
});

async function open(seed: number, speed: number): Promise<RunningEmulator> {
  const emu = await start({ stateDir: dir, seed, speed });
  running.push(emu);
  return emu;
}

const copiesIn = (emu: RunningEmulator, region: string) =>
  emu.admin
    .snapshots(region)
    .filter((s) => s.sourceSnapshotId !== undefined)
    .map((s) => s.snapshotId);

describe('two emulators on one --state folder', () => {
  it('does not overwrite the other one’s new copy with a read that only saw progress move', async () => {
    // An hour of virtual time per real second: a copy finishes within a few real milliseconds.
    const standalone = await open(7, 3600);
    const first = await popClient(standalone).request<{ SnapshotId: string }>(
      'CopySnapshot',
      validCopy(standalone),
    );
    standalone.admin.flush();
    // Operators watch the copy on the standalone emulator until it is done (reads only).
    let status = 'progressing';
    while (status === 'progressing') {
      const page = await popClient(standalone).request<Page>('DescribeSnapshots', {
        RegionId: 'cn-beijing',
        SnapshotIds: JSON.stringify([first.SnapshotId]),
      });
      status = page.Snapshots.Snapshot[0]?.Status ?? 'missing';
    }

    // Meanwhile a CLI run embeds an emulator on the same folder and starts another copy.
    const cli = await open(8, 3600);
    const other = demoSnapshot(
      cli,
      'cn-shanghai',
      (s) => !s.encrypted && s.tags.dr === 'true',
    ).snapshotId;
    const second = await popClient(cli).request<{ SnapshotId: string }>(
      'CopySnapshot',
      validCopy(cli, { RegionId: 'cn-shanghai', SnapshotId: other }),
    );
    cli.admin.flush();
    standalone.admin.flush();

    const reader = await open(9, 0);
    expect(copiesIn(reader, 'cn-beijing')).toEqual(
      expect.arrayContaining([first.SnapshotId, second.SnapshotId]),
    );
  });

  it('reloads a write the other one made right after its own, even within one file-time tick', async () => {
    const a = await open(7, 0);
    const b = await open(8, 0);
    const other = demoSnapshot(b, 'cn-shanghai', (s) => !s.encrypted && s.tags.dr === 'true');
    await popClient(b).request('CopySnapshot', {
      ...validCopy(b, { RegionId: 'cn-shanghai', SnapshotId: other.snapshotId }),
    });
    await popClient(a).request('CopySnapshot', validCopy(a));
    // Back-to-back writes: the second (last writer wins) usually lands in the same mtime tick.
    a.admin.flush();
    b.admin.flush();

    const reader = await open(9, 0);
    expect(copiesIn(a, 'cn-beijing')).toEqual(copiesIn(reader, 'cn-beijing'));
  });
});
