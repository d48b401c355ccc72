import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import RPCClient from '@alicloud/pop-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlsService } from '../../emulator/sls/service.ts';
import { connectSls } from '../../lib/cloud/sls-client.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(REPO, 'bin/dr-replicator.mjs');

interface Started {
  child: ChildProcess;
  url: string;
  lines: string[];
}

let dir: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'emulator-cli-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Spawns the real binary and resolves once it prints its listening line. */
async function launch(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [BIN, 'emulator', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  const rl = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((done, fail) => {
    rl.on('line', (line) => {
      lines.push(line);
      const m = /^emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) done(m[1]!);
    });
    child.once('exit', (code) => fail(new Error(`emulator exited with ${code} before listening`)));
  });
  // Wait for the credential lines printed right after.
  while (lines.length < 3) await once(rl, 'line');
  return { child, url, lines };
}

async function snapshotIds(url: string, creds: { accessKeyId: string; accessKeySecret: string }) {
  const client = new RPCClient({ endpoint: url, apiVersion: '2014-05-26', ...creds });
  const body = await client.request<{ Snapshots: { Snapshot: { SnapshotId: string }[] } }>(
    'DescribeSnapshots',
    {
      RegionId: 'cn-hangzhou',
      PageSize: 100,
    },
  );
  return body.Snapshots.Snapshot.map((s) => s.SnapshotId);
}

function credentialsFrom(lines: string[]) {
  const value = (name: string) =>
    lines.find((l) => l.startsWith(`${name}=`))!.slice(name.length + 1);
  return {
    accessKeyId: value('ALIBABA_CLOUD_ACCESS_KEY_ID'),
    accessKeySecret: value('ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
  };
}

describe('dr-replicator emulator', () => {
  it('prints its URL and key pair, and serves the same snapshots after a restart on the same --state', async () => {
    const first = await launch(['--world', 'demo', '--state', dir]);
    const creds = credentialsFrom(first.lines);
    expect(creds.accessKeyId).toBe('LTAIemulatorAccessKey');
    const before = await snapshotIds(first.url, creds);
    expect(before.length).toBeGreaterThan(0);
    first.child.kill('SIGTERM');
    const [code] = await once(first.child, 'exit');
    expect(code).toBe(0);

    const second = await launch(['--world', 'demo', '--state', dir]);
    expect(await snapshotIds(second.url, creds)).toEqual(before);
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  });

  it('keeps Log Service records written before it is killed (SIGKILL, no flush on stop)', async () => {
    const first = await launch(['--world', 'demo', '--state', dir]);
    const creds = credentialsFrom(first.lines);
    const now = Math.floor(Date.now() / 1000);
    const writer = connectSls({ region: 'cn-hangzhou', endpoint: first.url, credentials: creds });
    await writer.client.postLogStoreLogs(
      'dr-crash',
      'replicator',
      { logs: [{ timestamp: now, content: { kind: 'run', runId: 'before-crash' } }] },
      writer.requestOptions,
    );
    // The write is coalesced, not synchronous: wait until the folder alone serves the record.
    const onDisk = () =>
      new SlsService({ stateDir: dir, lookupSecret: () => undefined })
        .query('dr-crash', 'replicator', { from: now - 60, to: now + 60 })
        .map((log) => log.contents.runId);
    await vi.waitFor(() => expect(onDisk()).toEqual(['before-crash']), {
      timeout: 10_000,
      interval: 50,
    });
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const second = await launch(['--state', dir]);
    const reader = connectSls({ region: 'cn-hangzhou', endpoint: second.url, credentials: creds });
    const logs = (await reader.client.getLogs(
      'dr-crash',
      'replicator',
      new Date((now - 60) * 1000),
      new Date((now + 60) * 1000),
      { query: 'kind: run' },
      reader.requestOptions,
    )) as Record<string, string>[];
    expect(logs.map((log) => log.runId)).toEqual(['before-crash']);
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  });

  it('loads a world file and exits 2 with a message for an invalid one', async () => {
    const bad = join(dir, 'bad-world.json');
    await writeFile(
      bad,
      JSON.stringify({ regions: [], disks: [], snapshots: [{ snapshotId: 's-1' }], kmsKeys: [] }),
    );
    const child = spawn(process.execPath, [BIN, 'emulator', '--world', bad], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toMatch(/InvalidWorld: .*bad-world\.json/);
    expect(stderr).toMatch(/snapshots\.0\.regionId/);
  });
});
