import type { CallCounts } from '../../emulator/index.ts';
import { syntheticWorld } from '../../emulator/index.ts';
import {
  breakdown,
  callStatsBetween,
  copiedPairs,
  runEngine,
  withEmulator,
} from '../support/cloud.ts';
import { benchPolicy } from '../support/policy.ts';
import { round, type ScenarioResult } from '../support/report.ts';

export interface ApiEfficiencySize {
  snapshots: number;
  destinations: number;
}

const SOURCE = 'cn-hangzhou';
const DESTINATIONS = ['cn-shanghai', 'cn-beijing', 'cn-shenzhen', 'cn-qingdao'] as const;
const PAGE = 100;
const ZERO_COUNTS: CallCounts = { total: 0, byAction: {}, byActionAndCode: {} };
/** Generous enough that the limiter never waits: this scenario counts calls, not time. */
const UNTHROTTLED_PER_MINUTE = 100_000;

/**
 * Calls the engine makes for a fresh backlog, against the least any replicator could make:
 * every source listing page, one (empty) listing page per destination, one CopySnapshot per
 * pair. Then the follow-up runs: one that sees the copies finish, and a steady-state re-run.
 */
/** One DR-tagged source region of `size.snapshots` disks, one snapshot each, and the policy. */
function efficiencyBed(size: ApiEfficiencySize) {
  const destinations = DESTINATIONS.slice(0, size.destinations);
  const now = new Date();
  const world = syntheticWorld({
    regions: [SOURCE],
    disksPerRegion: size.snapshots,
    snapshotsPerDisk: 1,
    now,
    destinations: [...destinations],
  });
  const policy = benchPolicy({
    name: 'bench-efficiency',
    sourceRegions: [SOURCE],
    destRegions: [...destinations],
    requestsPerMinute: {
      CopySnapshot: UNTHROTTLED_PER_MINUTE,
      DescribeSnapshots: UNTHROTTLED_PER_MINUTE,
      TagResources: UNTHROTTLED_PER_MINUTE,
      DescribeKey: UNTHROTTLED_PER_MINUTE,
    },
    maxConcurrentCopies: 50,
  });
  return { destinations, now, world, policy };
}

export async function apiEfficiency(
  size: ApiEfficiencySize,
  id = 'api-efficiency',
): Promise<ScenarioResult> {
  const { destinations, now, world, policy } = efficiencyBed(size);
  return withEmulator({ world, startTime: now }, async (emulator) => {
    emulator.admin.clearThrottle('CopySnapshot');
    const pairs = size.snapshots * destinations.length;
    const sourcePages = Math.ceil(size.snapshots / PAGE);

    const first = await runEngine(emulator, policy);
    const afterFirst = emulator.admin.callCounts();
    const firstCalls = callStatsBetween(ZERO_COUNTS, afterFirst);
    const minimum = sourcePages + destinations.length + pairs;
    const copied = copiedPairs(emulator, policy);
    if (copied.size !== pairs) {
      throw new Error(`run 1 left ${pairs - copied.size} of ${pairs} pairs without a copy`);
    }

    // A day later every copy has finished: one run records the completions...
    emulator.admin.advanceClock(86_400);
    await runEngine(emulator, policy);
    const afterSecond = emulator.admin.callCounts();
    const secondCalls = callStatsBetween(afterFirst, afterSecond);
    // ...and the next one only has to look.
    const third = await runEngine(emulator, policy);
    const thirdCalls = callStatsBetween(afterSecond, emulator.admin.callCounts());
    const steadyMinimum = sourcePages + destinations.length * Math.ceil(size.snapshots / PAGE);

    return {
      title: `API efficiency (${size.snapshots.toLocaleString('en-US')} snapshots × ${destinations.length} destinations)`,
      id,
      method:
        'One engine run over loopback HTTP against a fresh emulator world; calls counted by the emulator (every attempt, retries included). Minimum = source listing pages (100 per page) + one empty listing page per destination + one CopySnapshot per pair. The engine adds one DescribeSnapshots per 100 new copies to confirm each answered id exists (a replayed ClientToken can answer with a copy deleted since): that is the 1 % over the minimum in run 1. Steady state = a third run after every copy finished and was reported; its minimum is the listing pages of the source and of each destination (every one past the 1,000-result tag cap).',
      figures: [
        { label: 'pairs to copy', value: pairs },
        { label: 'run 1 calls made', value: firstCalls.total },
        { label: 'run 1 calls by action', value: breakdown(firstCalls.byAction) },
        { label: 'run 1 minimum calls', value: minimum },
        { label: 'run 1 wall time', value: round(first.wallMs / 1000, 1), unit: 's' },
        { label: 'run 2 (completions reported) calls', value: secondCalls.total },
        { label: 'run 2 calls by action', value: breakdown(secondCalls.byAction) },
        { label: 'run 3 (steady state) calls', value: thirdCalls.total },
        { label: 'run 3 minimum calls', value: steadyMinimum },
        {
          label: 'run 3 calls / minimum',
          value: round(thirdCalls.total / steadyMinimum, 3),
        },
        { label: 'run 3 copies started', value: third.summary.totals.started },
      ],
      ratios: [
        {
          label: 'run 1 (backlog) calls made / minimum calls',
          value: round(firstCalls.total / minimum, 3),
          meaning: '1.000 = not one call more than the listing pages and the copies themselves',
        },
        {
          label: 'steady-state run calls made / minimum calls',
          value: round(thirdCalls.total / steadyMinimum, 3),
          meaning: 'a run with nothing new: 1.000 = only the listing pages themselves',
        },
      ],
    };
  });
}
