import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { popClient, start } from './support/clients.ts';
import { validCopy } from './support/copy-params.ts';

interface Page {
  Snapshots: { Snapshot: { SnapshotId: string; Status: string; Progress: string }[] };
}

let dir: string;
const running: RunningEmulator[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'emulator-state-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
  await rm(dir, { recursive: true, force: true });
});

async function open(world: 'demo' | 'empty' = 'demo'): Promise<RunningEmulator> {
  const emu = await start({ stateDir: dir, world });
  running.push(emu);
  return emu;
}

const ids = async (emu: RunningEmulator, region: string) =>
  (
    await popClient(emu).request<Page>('DescribeSnapshots', { RegionId: region, PageSize: 100 })
  ).Snapshots.Snapshot.map((s) => s.SnapshotId);

describe('state in --state DIR', () => {
  it('serves the same snapshots, copies and ClientTokens after a restart', async () => {
    const first = await open();
    const params = validCopy(first, { ClientToken: 'survives-restart' });
    const { SnapshotId } = await popClient(first).request<{ SnapshotId: string }>(
      'CopySnapshot',
      params,
    );
    const before = await ids(first, 'cn-hangzhou');
    await first.stop();

    // The world argument only seeds a fresh folder; the saved cloud wins.
    const second = await open('empty');
    expect(await ids(second, 'cn-hangzhou')).toEqual(before);
    expect(await ids(second, 'cn-beijing')).toEqual([SnapshotId]);
    const replay = await popClient(second).request<{ SnapshotId: string }>('CopySnapshot', params);
    expect(replay.SnapshotId).toBe(SnapshotId);
  });

  it('keeps the virtual clock and copy progress across a restart', async () => {
    const first = await open();
    const { SnapshotId } = await popClient(first).request<{ SnapshotId: string }>(
      'CopySnapshot',
      validCopy(first),
    );
    first.admin.advanceClock(30);
    const at = first.admin.now().getTime();
    await first.stop();
    const second = await open();
    expect(second.admin.now().getTime()).toBe(at);
    const copy = second.admin.snapshots('cn-beijing').find((s) => s.snapshotId === SnapshotId)!;
    expect(copy.status).toBe('progressing');
    second.admin.advanceClock(3600);
    expect(second.admin.snapshots('cn-beijing')[0]?.status).toBe('accomplished');
  });

  it('shows one emulator the writes of another on the same folder', async () => {
    const a = await open();
    const b = await open();
    const { SnapshotId } = await popClient(a).request<{ SnapshotId: string }>(
      'CopySnapshot',
      validCopy(a),
    );
    a.admin.flush();
    expect(await ids(b, 'cn-beijing')).toEqual([SnapshotId]);
  });

  it('writes atomically, leaving no temporary files', async () => {
    const emu = await open();
    await popClient(emu).request('CopySnapshot', validCopy(emu));
    await emu.stop();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
