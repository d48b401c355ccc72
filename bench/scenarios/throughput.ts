import { syntheticWorld } from '../../emulator/index.ts';
import { BURST_FRACTION } from '../../lib/engine/limiter.ts';
import { DEFAULT_REQUESTS_PER_MINUTE } from '../../lib/policy/schema.ts';
import {
  callStats,
  copiedPairs,
  runEngine,
  virtualTimeTuning,
  withEmulator,
} from '../support/cloud.ts';
import { benchPolicy } from '../support/policy.ts';
import { round, type ScenarioResult } from '../support/report.ts';

export interface ThroughputSize {
  /** CopySnapshot calls waiting: disks with one new snapshot each, one destination. */
  backlog: number;
  /** Virtual seconds per real second. */
  speed: number;
}

/** The documented CopySnapshot flow control: 1000 requests per 60 s per account. */
const QUOTA_PER_MINUTE = 1000;
const SOURCE = 'cn-hangzhou';
const DEST = 'cn-shanghai';

/** The most calls any `windowMs` window holds (times sorted ascending). */
function peakWindow(times: readonly number[], windowMs: number): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

/**
 * CopySnapshot calls the emulator accepted per (virtual) minute against the quota, with a
 * backlog far larger than one minute's worth. The emulator enforces the quota on its virtual
 * clock; the engine's limiter runs on real time, so the policy's per-minute figure is the
 * default per virtual minute times the clock speed.
 */
export async function throughput(size: ThroughputSize): Promise<ScenarioResult> {
  const now = new Date();
  const world = syntheticWorld({
    regions: [SOURCE],
    disksPerRegion: size.backlog,
    snapshotsPerDisk: 1,
    now,
    destinations: [DEST],
  });
  const policy = benchPolicy({
    name: 'bench-throughput',
    sourceRegions: [SOURCE],
    destRegions: [DEST],
    requestsPerMinute: {},
    maxConcurrentCopies: 10,
  });
  return withEmulator({ world, startTime: now, speed: size.speed }, async (emulator) => {
    emulator.admin.setThrottle('CopySnapshot', { perMinute: QUOTA_PER_MINUTE });
    const run = await runEngine(emulator, policy, virtualTimeTuning(size.speed));
    const copies = emulator.admin.calls({ action: 'CopySnapshot' });
    const stats = callStats(copies);
    const accepted = copies.filter((c) => c.code === 'OK').map((c) => Date.parse(c.time));
    accepted.sort((a, b) => a - b);
    const pairs = copiedPairs(emulator, policy).size;
    if (accepted.length === 0) throw new Error('no CopySnapshot call was accepted');
    const first = Date.parse(copies[0]!.time);
    const spanMinutes = (accepted[accepted.length - 1]! - first) / 60_000;
    const perMinute = accepted.length / Math.max(spanMinutes, 1 / 60);
    const afterFirstMinute = accepted.filter((t) => t >= first + 60_000);
    const steadyMinutes = spanMinutes - 1;
    const steady = steadyMinutes > 0 ? afterFirstMinute.length / steadyMinutes : Number.NaN;
    const engineLimit = DEFAULT_REQUESTS_PER_MINUTE.CopySnapshot;
    return {
      id: 'throughput',
      title: `Throughput vs quota (${size.backlog.toLocaleString('en-US')}-copy backlog)`,
      method: `Emulator clock at ×${size.speed}; the emulator throttles CopySnapshot at ${QUOTA_PER_MINUTE} per virtual minute (Throttling.User beyond it). The engine runs with its default limits (${engineLimit} CopySnapshot per minute, ${BURST_FRACTION * 100} % burst) and its rate limiter and backoff on the same virtual clock (EngineTuning.clock/sleep), so every per-minute figure is per virtual minute on both sides. Rates are accepted calls over the virtual time from the first CopySnapshot to the last accepted one, read from the emulator's call log.`,
      figures: [
        { label: 'CopySnapshot calls accepted', value: accepted.length },
        { label: 'pairs with a copy after the run', value: pairs },
        { label: 'throttling errors seen (Throttling.*)', value: stats.throttled },
        { label: 'virtual minutes from first to last copy', value: round(spanMinutes, 2) },
        { label: 'accepted per virtual minute, whole run', value: round(perMinute, 1) },
        {
          label: 'accepted per virtual minute after the first minute (steady state)',
          value: Number.isNaN(steady) ? 'n/a (run shorter than 2 min)' : round(steady, 1),
        },
        { label: 'most accepted in any 60 s virtual window', value: peakWindow(accepted, 60_000) },
        { label: 'real wall time', value: round(run.wallMs / 1000, 1), unit: 's' },
      ],
      ratios: [
        Number.isNaN(steady)
          ? {
              label: 'CopySnapshot accepted per minute / quota (whole run)',
              value: round(perMinute / QUOTA_PER_MINUTE, 3),
              meaning: 'run shorter than two virtual minutes: the opening burst dominates',
            }
          : {
              label: 'CopySnapshot accepted per minute / quota (steady state)',
              value: round(steady / QUOTA_PER_MINUTE, 3),
              meaning: `quota ${QUOTA_PER_MINUTE}/min; by design the engine sends at most ${engineLimit} in any 60 s window, leaving headroom for other callers`,
            },
      ],
    };
  });
}
