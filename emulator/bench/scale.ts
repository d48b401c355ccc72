/**
 * Emulator scale check: builds a 100 000-snapshot world, then pages DescribeSnapshots through
 * pop-core and prints the server-side time per page (from the call log) against the 10 ms
 * budget, plus build / load / persist times. Run: npx tsx emulator/bench/scale.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import RPCClient from '@alicloud/pop-core';
import { startEmulator } from '../index.ts';
import { syntheticWorld } from '../world.ts';

const BUDGET_MS = 10;
const now = new Date();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

let t = performance.now();
const world = syntheticWorld({
  regions: ['cn-hangzhou', 'cn-shanghai'],
  disksPerRegion: 1000,
  snapshotsPerDisk: 50,
  now,
  tagged: { dr: 'true' },
  taggedFraction: 0.5,
});
const buildMs = performance.now() - t;
const dir = await mkdtemp(join(tmpdir(), 'emulator-bench-'));
t = performance.now();
const emu = await startEmulator({ world, stateDir: dir, startTime: now });
const startMs = performance.now() - t;
const client = new RPCClient({ endpoint: emu.url, apiVersion: '2014-05-26', ...emu.credentials });

const queries: [string, Record<string, unknown>][] = [
  ['region, newest first', { RegionId: 'cn-hangzhou' }],
  [
    'tag dr=true + accomplished',
    { RegionId: 'cn-hangzhou', 'Tag.1.Key': 'dr', 'Tag.1.Value': 'true', Status: 'accomplished' },
  ],
  [
    'created in the last 7 days',
    {
      RegionId: 'cn-shanghai',
      'Filter.1.Key': 'CreationStartTime',
      'Filter.1.Value': `${new Date(now.getTime() - 7 * 86_400_000).toISOString().slice(0, 16)}Z`,
    },
  ],
];
console.log(
  `snapshots: ${world.snapshots.length}; build ${buildMs.toFixed(0)} ms; start (load + first persist) ${startMs.toFixed(0)} ms`,
);
for (const [name, params] of queries) {
  const since = emu.admin.now();
  let token: string | undefined;
  for (let page = 0; page < 50; page++) {
    const body: { NextToken: string } = await client.request('DescribeSnapshots', {
      ...params,
      MaxResults: 100,
      ...(token !== undefined && { NextToken: token }),
    });
    token = body.NextToken || undefined;
    if (token === undefined) break;
  }
  const latencies = emu.admin.calls({ action: 'DescribeSnapshots', since }).map((c) => c.latencyMs);
  const m = median(latencies);
  console.log(
    `${name}: ${latencies.length} pages of 100, median ${m.toFixed(2)} ms/page server-side = ${(m / BUDGET_MS).toFixed(2)} × the ${BUDGET_MS} ms budget`,
  );
}
await emu.stop();
await rm(dir, { recursive: true, force: true });
