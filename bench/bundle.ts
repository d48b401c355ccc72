import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { startEmulator, syntheticWorld, type World } from '../emulator/index.ts';
import { buildBundle, builtFunction, HANDLER_SOURCE } from '../scripts/build.ts';
import { invokeBundle } from '../scripts/deploy/invoke-bundle.ts';
import { type FunctionResource, readServiceFile } from '../scripts/deploy/service-file.ts';

/**
 * `npm run bench:bundle`: what the FC bundle costs and buys. Prints the bundle size and the cold
 * import time of the bundled handler against importing the TypeScript sources (through tsx, the
 * way the CLI runs them), each in a fresh Node process, interleaved, median of RUNS. Ratios, not
 * absolute numbers, are the result: the machine sets the scale. Last, the peak memory of one
 * steady-state run (every source already copied) at two inventory sizes, which is what the
 * function's memorySize in s.yaml has to hold.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

// Runs in the child: the time from just before the import to the handler being callable.
const IMPORT_PROBE = `
const started = performance.now();
const mod = await import(process.env.BENCH_MODULE);
if (typeof mod.handler !== 'function') throw new Error('no handler export');
process.stdout.write(JSON.stringify({ importMs: performance.now() - started }));
`;

interface Sample {
  importMs: number;
  processMs: number;
}

async function coldImport(moduleUrl: string, nodeArgs: string[]): Promise<Sample> {
  const started = performance.now();
  const { stdout } = await run(
    process.execPath,
    [...nodeArgs, '--input-type=module', '--eval', IMPORT_PROBE],
    { cwd: ROOT, env: { ...process.env, BENCH_MODULE: moduleUrl } },
  );
  const processMs = performance.now() - started;
  const { importMs } = JSON.parse(stdout) as { importMs: number };
  return { importMs, processMs };
}

/** Source snapshots per memory run; each also has its copy in the destination. */
const INVENTORY_SIZES = [1_000, 10_000] as const;
const SNAPSHOTS_PER_DISK = 10;

const BENCH_POLICY = `name: bench-memory
schedule: '@every 60m'
source:
  regions: [cn-hangzhou]
  select: { tags: { dr: "true" } }
  lookbackHours: 480
destinations:
  - region: ap-southeast-1
    rpoHours: 48
log: { type: file, path: /dev/null }
`;

/** A synthetic account in which every source snapshot already has its reported copy. */
function steadyStateWorld(sources: number, now: Date): World {
  const world = syntheticWorld({
    regions: ['cn-hangzhou'],
    disksPerRegion: sources / SNAPSHOTS_PER_DISK,
    snapshotsPerDisk: SNAPSHOTS_PER_DISK,
    now,
    tagged: { dr: 'true' },
    destinations: ['ap-southeast-1'],
  });
  const copies = world.snapshots.map((s) => ({
    snapshotId: `${s.snapshotId}c`,
    regionId: 'ap-southeast-1',
    diskId: s.diskId,
    creationTime: s.creationTime,
    sourceSnapshotId: s.snapshotId,
    sourceRegionId: s.regionId,
    tags: {
      'dr-replicator:policy': 'bench-memory',
      'dr-replicator:source-snapshot': s.snapshotId,
      'dr-replicator:source-region': s.regionId,
      'dr-replicator:source-disk': s.diskId,
      'dr-replicator:reported': 'completed',
    },
  }));
  return { ...world, snapshots: [...world.snapshots, ...copies] };
}

async function peakRssMb(codeDir: string, fn: FunctionResource, sources: number): Promise<number> {
  const now = new Date();
  const emulator = await startEmulator({ world: steadyStateWorld(sources, now), startTime: now });
  try {
    const { results, maxRssKb } = await invokeBundle({
      codeDir,
      fn,
      events: [{ triggerName: 'bench', payload: '{"policy":"policies/bench.yaml"}' }],
      credentials: emulator.credentials,
      endpoint: emulator.url,
    });
    const totals = results[0]?.totals as Record<string, number> | undefined;
    if (totals?.['already-copied'] !== sources) {
      throw new Error(
        `memory run did not see its ${sources} copies: ${JSON.stringify(results[0])}`,
      );
    }
    return maxRssKb / 1024;
  } finally {
    await emulator.stop();
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function main(): Promise<void> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'dr-bundle-bench-'));
  try {
    const built = await buildBundle({ rootDir: ROOT, outDir });
    const replicator = builtFunction(built, 'replicator');
    const bundle = await readFile(replicator.entryFile);
    const bundleUrl = pathToFileURL(replicator.entryFile).href;
    const sourceUrl = pathToFileURL(path.join(ROOT, HANDLER_SOURCE)).href;

    const bundled: Sample[] = [];
    const mapped: Sample[] = [];
    const source: Sample[] = [];
    // One warm-up each (disk cache), then interleaved so drift hits every variant alike.
    await coldImport(bundleUrl, []);
    await coldImport(sourceUrl, ['--import', 'tsx']);
    for (let i = 0; i < RUNS; i++) {
      bundled.push(await coldImport(bundleUrl, []));
      // As deployed: s.yaml sets NODE_OPTIONS=--enable-source-maps for readable stack traces.
      mapped.push(await coldImport(bundleUrl, ['--enable-source-maps']));
      source.push(await coldImport(sourceUrl, ['--import', 'tsx']));
    }

    const summary = (samples: Sample[]) => ({
      importMs: median(samples.map((x) => x.importMs)),
      processMs: median(samples.map((x) => x.processMs)),
    });
    const b = summary(bundled);
    const m = summary(mapped);
    const s = summary(source);
    const fn = (await readServiceFile(ROOT)).functions.find((f) => f.resource === 'replicator');
    if (!fn) throw new Error('s.yaml declares no replicator function');
    await mkdir(path.join(replicator.codeDir, 'policies'), { recursive: true });
    await writeFile(path.join(replicator.codeDir, 'policies', 'bench.yaml'), BENCH_POLICY);
    const [small, large] = INVENTORY_SIZES;
    const smallMb = await peakRssMb(replicator.codeDir, fn, small);
    const largeMb = await peakRssMb(replicator.codeDir, fn, large);
    const perSnapshotKb = ((largeMb - smallMb) * 1024) / (2 * (large - small));

    const lines = [
      `bundle: ${path.basename(replicator.entryFile)} ${(bundle.length / 1024).toFixed(0)} KiB, ` +
        `${(gzipSync(bundle).length / 1024).toFixed(0)} KiB gzipped, built in ${built.durationMs.toFixed(0)} ms`,
      `cold import, median of ${RUNS} fresh processes each:`,
      `  bundled ${b.importMs.toFixed(1)} ms import / ${b.processMs.toFixed(0)} ms process`,
      `  bundled with --enable-source-maps ${m.importMs.toFixed(1)} ms import / ${m.processMs.toFixed(0)} ms process`,
      `  source  ${s.importMs.toFixed(1)} ms import / ${s.processMs.toFixed(0)} ms process (tsx)`,
      `  source/bundled ratio: import ${(s.importMs / b.importMs).toFixed(2)}x, process ${(s.processMs / b.processMs).toFixed(2)}x`,
      `  source maps cost: import ${(m.importMs / b.importMs).toFixed(2)}x`,
      `peak RSS of one steady-state run (sources + their copies), memorySize ${String(fn.props.memorySize)} MB:`,
      `  ${small} sources ${smallMb.toFixed(0)} MB, ${large} sources ${largeMb.toFixed(0)} MB, ` +
        `~${perSnapshotKb.toFixed(1)} KiB per listed snapshot`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

await main();
