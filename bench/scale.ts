/**
 * Scale: plan a 100 000-snapshot world against 3 destinations, through the real SDK clients
 * over loopback HTTP, and print measured ratios (never hard-coded):
 *   - API calls made (+ the copies the run would add) / the minimum (listing pages + copies),
 *   - plan wall time / a listing-only pass over the same queries,
 *   - the planner's peak RSS (a child process, so the emulator's world is not counted; the
 *     child is bundled as the FC function is and runs with the function's NODE_OPTIONS from
 *     s.yaml, and again with Node's defaults: bench/support/planner-child.ts).
 * Targets (issue 9): plan < 30 s, peak RSS ≤ 256 MiB, plan time ≤ 1.25 × the listing-only pass.
 * Run with `npm run bench:scale` (SCALE_SNAPSHOTS to change the size).
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { build } from 'esbuild';
import { startEmulator, syntheticWorld } from '../emulator/index.ts';
import { FUNCTION_BUNDLE_OPTIONS, RUNTIME_ASSETS } from '../scripts/build.ts';
import { deployedReplicator } from './support/deployed.ts';
import {
  DESTINATIONS,
  type ListResult,
  type PlanResult,
  SOURCES,
} from './support/planner-child.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHILD_SOURCE = path.join(ROOT, 'bench', 'support', 'planner-child.ts');
/** Inside the repository, so the bundle's few external imports resolve from node_modules. */
const CHILD_BUNDLE = path.join(ROOT, 'build', 'bench', 'planner-child.mjs');

/**
 * The planner child bundled as the FC function is (same banner, same assets, pop-core's RPC
 * client only, a linked source map for --enable-source-maps); SCALE_TSX=1 runs the TypeScript
 * sources through tsx instead.
 */
async function bundleChild(): Promise<void> {
  await mkdir(path.dirname(CHILD_BUNDLE), { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: [CHILD_SOURCE],
    outfile: CHILD_BUNDLE,
    ...FUNCTION_BUNDLE_OPTIONS,
    sourcemap: 'linked',
  });
  for (const asset of RUNTIME_ASSETS) {
    await copyFile(
      path.join(ROOT, asset),
      path.join(path.dirname(CHILD_BUNDLE), path.basename(asset)),
    );
  }
}

const SNAPSHOTS_PER_DISK = 5;
const PAGE = 100;
/** Issue 9: peak RSS of a 100,000 x 3 plan at most 256 MiB; plan time at most 1.25 x a listing-only pass. */
const TARGET = { planMs: 30_000, rssMiB: 256, planOverList: 1.25 } as const;

/** Median of the runs by peak RSS, and every peak in run order (MiB). */
function medianRun(runs: PlanResult[]): { median: PlanResult; peaks: string } {
  const byRss = [...runs].sort((a, b) => a.maxRssKiB - b.maxRssKiB);
  return {
    median: byRss[Math.floor((byRss.length - 1) / 2)] as PlanResult,
    peaks: runs.map((p) => (p.maxRssKiB / 1024).toFixed(0)).join(', '),
  };
}

function runChild<T>(mode: 'list' | 'plan' | 'floor', env: NodeJS.ProcessEnv): Promise<T> {
  return new Promise((resolve, reject) => {
    const args = [
      ...(process.env.SCALE_HEAP ? ['--expose-gc'] : []),
      ...(process.env.SCALE_NODE_FLAGS ? process.env.SCALE_NODE_FLAGS.split(' ') : []),
      ...(process.env.SCALE_TSX ? ['--import', 'tsx', CHILD_SOURCE] : [CHILD_BUNDLE]),
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
    // The planner runs as it is deployed: the replicator's NODE_OPTIONS in s.yaml.
    const { nodeOptions } = await deployedReplicator();
    const env = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.credentials.accessKeySecret,
      DR_REPLICATOR_ENDPOINT: emulator.url,
      NODE_OPTIONS: nodeOptions,
    };
    // The same child with Node's defaults, whose heap limit follows this machine's memory.
    const defaults = { ...env, NODE_OPTIONS: '' };
    if (!process.env.SCALE_TSX) await bundleChild();
    const list = await runChild<ListResult>('list', env);
    // Peak RSS follows the garbage collector's timing: the planner runs SCALE_RUNS times (default
    // 3) as deployed and as many times with Node's defaults; the median run of each is reported,
    // with every peak.
    const times = Number(process.env.SCALE_RUNS ?? 3);
    const deployedRuns: PlanResult[] = [];
    const defaultRuns: PlanResult[] = [];
    for (let i = 0; i < times; i++) {
      deployedRuns.push(await runChild<PlanResult>('plan', env));
      defaultRuns.push(await runChild<PlanResult>('plan', defaults));
    }
    const { median: r, peaks } = medianRun(deployedRuns);
    const byDefault = medianRun(defaultRuns);
    const floor = await runChild<{ maxRssKiB: number }>('floor', env);
    const made = Object.values(r.made).reduce((a, b) => a + b, 0);
    const copies = r.wouldMake.CopySnapshot ?? 0;
    // The least any planner could do: every listing page once, plus one call per copy.
    const minimumPages =
      SOURCES.length * Math.ceil(snapshots / SOURCES.length / PAGE) + DESTINATIONS.length;
    const minimum = minimumPages + copies;
    const rssMiB = r.maxRssKiB / 1024;
    // The verdict holds only if every run as deployed was within the memory target.
    const highestMiB = Math.max(...deployedRuns.map((p) => p.maxRssKiB)) / 1024;
    const lines = [
      `plan: ${r.items} items in ${(r.planMs / 1000).toFixed(2)} s (target < ${TARGET.planMs / 1000} s)`,
      `calls made by plan: ${JSON.stringify(r.made)}; a run would add ${JSON.stringify(r.wouldMake)}`,
      `calls (made + copies) / minimum (listing pages + copies): ${made + copies} / ${minimum} = ${((made + copies) / minimum).toFixed(3)}`,
      `listing pages: plan ${r.made.DescribeSnapshots ?? 0}, listing-only pass ${list.listPages}, minimum ${minimumPages}`,
      `plan time / listing-only time: ${(r.planMs / 1000).toFixed(2)} s / ${(list.listMs / 1000).toFixed(2)} s = ${(r.planMs / list.listMs).toFixed(2)} (target ≤ ${TARGET.planOverList})`,
      `listing-only peak RSS: ${(list.maxRssKiB / 1024).toFixed(0)} MiB`,
      `planner peak RSS: ${rssMiB.toFixed(0)} MiB, the median of ${deployedRuns.length} runs (${peaks}) (target < ${TARGET.rssMiB} MiB), as deployed (NODE_OPTIONS=${nodeOptions}); the same process planning nothing: ${(floor.maxRssKiB / 1024).toFixed(0)} MiB`,
      `planner peak RSS with Node's defaults: ${(byDefault.median.maxRssKiB / 1024).toFixed(0)} MiB, the median of ${defaultRuns.length} runs (${byDefault.peaks}) (heap limit ${(getHeapStatistics().heap_size_limit / 2 ** 20).toFixed(0)} MiB on this machine)`,
      `verdict: ${r.planMs < TARGET.planMs && highestMiB <= TARGET.rssMiB && r.planMs / list.listMs <= TARGET.planOverList ? 'within targets' : 'OUTSIDE TARGETS'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await emulator.stop();
  }
}

await main();
