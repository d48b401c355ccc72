/**
 * Scale: plan a 100 000-snapshot world against 3 destinations, through the real SDK clients
 * over loopback HTTP, and print measured ratios (never hard-coded):
 *   - API calls made (+ the copies the run would add) / the minimum (listing pages + copies),
 *   - plan wall time / a listing-only pass over the same queries,
 *   - the planner's peak RSS (a child process, so the emulator's world is not counted).
 * Targets: plan < 30 s and < 300 MB RSS. Run with `npm run bench:scale` (SCALE_SNAPSHOTS to
 * change the size).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEmulator, syntheticWorld } from '../emulator/index.ts';
import { createCloudClients, credentialsFromEnv, endpointFromEnv } from '../lib/cloud/clients.ts';
import { listSnapshots } from '../lib/domain/listing.ts';
import { createContext } from '../lib/engine/context.ts';
import { selectorTags, sourceQueries } from '../lib/engine/discover.ts';
import { planPolicy } from '../lib/engine/run.ts';
import { type Policy, PolicySchema } from '../lib/policy/schema.ts';

const SOURCES = ['cn-hangzhou', 'cn-shanghai', 'cn-shenzhen', 'cn-qingdao'];
const DESTINATIONS = ['cn-beijing', 'ap-southeast-1', 'us-west-1'];
const SNAPSHOTS_PER_DISK = 5;
const PAGE = 100;
/** Issue 9: peak RSS of a 100,000 x 3 plan at most 256 MiB; plan time at most 1.25 x a listing-only pass. */
const TARGET = { planMs: 30_000, rssMiB: 256, planOverList: 1.25 } as const;

function benchPolicy(): Policy {
  return PolicySchema.parse({
    name: 'bench-scale',
    schedule: '0 0 * * * *',
    source: { regions: SOURCES, lookbackHours: 24 * 30 },
    destinations: DESTINATIONS.map((region) => ({ region })),
  });
}

interface ListResult {
  listMs: number;
  listPages: number;
  /** Peak RSS of the listing-only child: what holding the listings alone costs. */
  maxRssKiB: number;
}

interface PlanResult {
  planMs: number;
  items: number;
  made: Record<string, number>;
  wouldMake: Record<string, number>;
  maxRssKiB: number;
}

function childCloud() {
  return createCloudClients({
    credentials: credentialsFromEnv(process.env),
    endpoint: endpointFromEnv(process.env),
  });
}

/** Child: the listing-only pass (same queries through the same limiter), nothing else. */
async function listChild(): Promise<ListResult> {
  const policy = benchPolicy();
  const ctx = createContext({ policy, cloud: childCloud() });
  const listStarted = performance.now();
  const listings = await Promise.all([
    ...SOURCES.flatMap((region) =>
      sourceQueries(ctx, region).map((q) => listSnapshots(ctx, q, selectorTags(ctx))),
    ),
    ...DESTINATIONS.map((region) =>
      listSnapshots(
        ctx,
        { regionId: region, status: 'all' },
        { 'dr-replicator:policy': policy.name },
      ),
    ),
  ]);
  return {
    listMs: performance.now() - listStarted,
    maxRssKiB: process.resourceUsage().maxRSS,
    listPages: listings.reduce((n, l) => n + l.calls, 0),
  };
}

/** Child: the plan alone, so its peak RSS is the planner's (maxRSS is kept by the kernel). */
async function planChild(): Promise<PlanResult> {
  const started = performance.now();
  const plan = await planPolicy({ policy: benchPolicy(), cloud: childCloud() });
  if (process.env.SCALE_HEAP && typeof globalThis.gc === 'function') {
    globalThis.gc();
    const m = process.memoryUsage();
    process.stderr.write(
      `held after plan: heapUsed ${(m.heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(m.rss / 2 ** 20).toFixed(0)} MiB, items ${plan.items.length}\n`,
    );
  }
  return {
    planMs: performance.now() - started,
    items: plan.items.length,
    made: plan.apiCalls.made,
    wouldMake: plan.apiCalls.wouldMake,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
}

/** Child: loads the same modules and plans nothing: the RSS floor of this process (tsx). */
async function floorChild(): Promise<{ maxRssKiB: number }> {
  await import('../lib/engine/run.ts');
  return { maxRssKiB: process.resourceUsage().maxRSS };
}

function runChild<T>(mode: 'list' | 'plan' | 'floor', env: NodeJS.ProcessEnv): Promise<T> {
  return new Promise((resolve, reject) => {
    const args = [
      ...(process.env.SCALE_HEAP ? ['--expose-gc'] : []),
      ...(process.env.SCALE_NODE_FLAGS ? process.env.SCALE_NODE_FLAGS.split(' ') : []),
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      `--child=${mode}`,
    ];
    const proc = spawn(process.execPath, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
    });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) reject(new Error(`planner child exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T);
    });
  });
}

async function main(): Promise<void> {
  const total = Number(process.env.SCALE_SNAPSHOTS ?? 100_000);
  const disksPerRegion = Math.ceil(total / SOURCES.length / SNAPSHOTS_PER_DISK);
  const now = new Date();
  const worldStarted = performance.now();
  const world = syntheticWorld({
    regions: SOURCES,
    disksPerRegion,
    snapshotsPerDisk: SNAPSHOTS_PER_DISK,
    now,
    destinations: DESTINATIONS,
  });
  const emulator = await startEmulator({ world, startTime: now, speed: 1, seed: 1 });
  const snapshots = world.snapshots.length;
  process.stdout.write(
    `world: ${snapshots} snapshots (${SOURCES.length} regions × ${disksPerRegion} disks × ${SNAPSHOTS_PER_DISK}), ${DESTINATIONS.length} destinations, built in ${Math.round(performance.now() - worldStarted)} ms\n`,
  );
  try {
    const env = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.credentials.accessKeySecret,
      DR_REPLICATOR_ENDPOINT: emulator.url,
    };
    const list = await runChild<ListResult>('list', env);
    const r = await runChild<PlanResult>('plan', env);
    const floor = await runChild<{ maxRssKiB: number }>('floor', env);
    const made = Object.values(r.made).reduce((a, b) => a + b, 0);
    const copies = r.wouldMake.CopySnapshot ?? 0;
    // The least any planner could do: every listing page once, plus one call per copy.
    const minimumPages =
      SOURCES.length * Math.ceil(snapshots / SOURCES.length / PAGE) + DESTINATIONS.length;
    const minimum = minimumPages + copies;
    const rssMiB = r.maxRssKiB / 1024;
    const lines = [
      `plan: ${r.items} items in ${(r.planMs / 1000).toFixed(2)} s (target < ${TARGET.planMs / 1000} s)`,
      `calls made by plan: ${JSON.stringify(r.made)}; a run would add ${JSON.stringify(r.wouldMake)}`,
      `calls (made + copies) / minimum (listing pages + copies): ${made + copies} / ${minimum} = ${((made + copies) / minimum).toFixed(3)}`,
      `listing pages: plan ${r.made.DescribeSnapshots ?? 0}, listing-only pass ${list.listPages}, minimum ${minimumPages}`,
      `plan time / listing-only time: ${(r.planMs / 1000).toFixed(2)} s / ${(list.listMs / 1000).toFixed(2)} s = ${(r.planMs / list.listMs).toFixed(2)} (target ≤ ${TARGET.planOverList})`,
      `listing-only peak RSS: ${(list.maxRssKiB / 1024).toFixed(0)} MiB`,
      `planner peak RSS: ${rssMiB.toFixed(0)} MiB (target < ${TARGET.rssMiB} MiB); the same process planning nothing: ${(floor.maxRssKiB / 1024).toFixed(0)} MiB`,
      `verdict: ${r.planMs < TARGET.planMs && rssMiB <= TARGET.rssMiB && r.planMs / list.listMs <= TARGET.planOverList ? 'within targets' : 'OUTSIDE TARGETS'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await emulator.stop();
  }
}

const mode = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length);
if (mode === 'list' || mode === 'plan' || mode === 'floor') {
  const result =
    mode === 'list' ? await listChild() : mode === 'plan' ? await planChild() : await floorChild();
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}
