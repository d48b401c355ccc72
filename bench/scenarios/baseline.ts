import { type RunningEmulator, syntheticWorld, type World } from '../../emulator/index.ts';
import { naiveReplicate } from '../baseline/naive.ts';
import {
  breakdown,
  callStats,
  copiedPairs,
  runEngine,
  virtualTimeTuning,
  withEmulator,
} from '../support/cloud.ts';
import { benchPolicy } from '../support/policy.ts';
import { round, type ScenarioResult } from '../support/report.ts';

export interface BaselineSize {
  snapshots: number;
  destinations: number;
  /** Virtual seconds per real second. */
  speed: number;
  /** Round trip of one API call in virtual ms (a stand-in for the public endpoint's RTT). */
  latencyMs: number;
}

const SOURCE = 'cn-hangzhou';
const DESTINATIONS = ['cn-shanghai', 'cn-beijing', 'cn-shenzhen', 'cn-qingdao'] as const;
const NAIVE_TAG = 'copied-from';

function naiveCopies(emulator: RunningEmulator, destinations: readonly string[]): number {
  let n = 0;
  for (const region of destinations) {
    n += emulator.admin.snapshots(region).filter((s) => s.tags[NAIVE_TAG] !== undefined).length;
  }
  return n;
}

/** Same world, same conditions, two fresh emulators: the naive script, then the engine. */
export async function baselineComparison(size: BaselineSize): Promise<ScenarioResult> {
  const destinations = DESTINATIONS.slice(0, size.destinations);
  const now = new Date();
  const world: World = syntheticWorld({
    regions: [SOURCE],
    disksPerRegion: size.snapshots,
    snapshotsPerDisk: 1,
    now,
    destinations: [...destinations],
  });
  const pairs = size.snapshots * destinations.length;
  const conditions = async (emulator: RunningEmulator) => {
    // Virtual ms to real ms: every call costs the same slice of virtual time on both sides.
    emulator.admin.setFaults({ latencyMs: size.latencyMs / size.speed });
    emulator.admin.setThrottle('CopySnapshot', { perMinute: 1000 });
  };

  const naive = await withEmulator(
    { world, startTime: now, speed: size.speed },
    async (emulator) => {
      await conditions(emulator);
      const started = performance.now();
      const result = await naiveReplicate({
        endpoint: emulator.url,
        ...emulator.credentials,
        sourceRegions: [SOURCE],
        destRegions: destinations,
        // The user's `await sleep(1000)`, in virtual time like everything else here.
        throttleSleepMs: 1000 / size.speed,
        copyTagKey: NAIVE_TAG,
      });
      const wallMs = performance.now() - started;
      return {
        result,
        wallMs,
        calls: callStats(emulator.admin.calls()),
        copies: naiveCopies(emulator, destinations),
      };
    },
  );

  const policy = benchPolicy({
    name: 'bench-baseline',
    sourceRegions: [SOURCE],
    destRegions: [...destinations],
    requestsPerMinute: {},
    maxConcurrentCopies: 10,
  });
  const engine = await withEmulator(
    { world, startTime: now, speed: size.speed },
    async (emulator) => {
      await conditions(emulator);
      const run = await runEngine(emulator, policy, virtualTimeTuning(size.speed));
      return {
        run,
        calls: callStats(emulator.admin.calls()),
        copies: copiedPairs(emulator, policy).size,
      };
    },
  );

  if (naive.copies !== pairs || engine.copies !== pairs) {
    throw new Error(
      `unequal work: naive copied ${naive.copies}, engine ${engine.copies} of ${pairs} pairs`,
    );
  }
  const virtual = (ms: number) => round((ms * size.speed) / 1000, 1);
  return {
    id: 'baseline',
    title: `Engine vs naive loop (${size.snapshots} snapshots × ${destinations.length} destinations)`,
    method: `Two fresh emulators with the same world, clock at ×${size.speed}, ${size.latencyMs} ms virtual round trip per call, CopySnapshot quota 1000 per virtual minute. The naive loop (bench/baseline/naive.ts: sequential, one DescribeSnapshots per snapshot per destination, CopySnapshot, a fixed 1 virtual-second sleep on Throttling) runs first, then the engine with its default limits and its limiter on the virtual clock, in the same process. Times are wall clock of each run; both end with every pair copied.`,
    figures: [
      { label: 'pairs copied (each side)', value: pairs },
      {
        label: 'naive wall time',
        value: round(naive.wallMs / 1000, 2),
        unit: `s (${virtual(naive.wallMs)} virtual s)`,
      },
      {
        label: 'engine wall time',
        value: round(engine.run.wallMs / 1000, 2),
        unit: `s (${virtual(engine.run.wallMs)} virtual s)`,
      },
      { label: 'naive calls', value: naive.calls.total },
      { label: 'naive calls by action', value: breakdown(naive.calls.byAction) },
      { label: 'engine calls', value: engine.calls.total },
      { label: 'engine calls by action', value: breakdown(engine.calls.byAction) },
      { label: 'naive throttling errors', value: naive.calls.throttled },
      { label: 'engine throttling errors', value: engine.calls.throttled },
    ],
    ratios: [
      {
        label: 'time naive / engine',
        value: round(naive.wallMs / engine.run.wallMs, 2),
        meaning: '>1 = the engine finishes the same work sooner',
      },
      {
        label: 'calls naive / engine',
        value: round(naive.calls.total / engine.calls.total, 2),
        meaning: '>1 = the engine needs fewer API calls for the same work',
      },
    ],
  };
}
