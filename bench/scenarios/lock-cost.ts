import { syntheticWorld } from '../../emulator/index.ts';
import { PolicySchema } from '../../lib/policy/schema.ts';
import { breakdown, callStats, runEngine, withEmulator } from '../support/cloud.ts';
import { round, type ScenarioResult } from '../support/report.ts';

export interface LockCostSize {
  snapshots: number;
}

const SOURCE = 'cn-hangzhou';
const DEST = 'cn-shanghai';
const UNTHROTTLED_PER_MINUTE = 100_000;
/** DescribeLockedSnapshots takes 100 ids a call. */
const LOCK_PAGE = 100;

/**
 * What locking copies (issue 18) adds to a run: the same world replicated with and without
 * `lock` on the destination; the run that records the completions locks them (LockSnapshot
 * per new copy) after learning their state (DescribeLockedSnapshots, 100 ids a call); a
 * steady-state run only asks DescribeLockedSnapshots again.
 */
export async function lockCost(size: LockCostSize): Promise<ScenarioResult> {
  const measure = (lock: boolean) => {
    const now = new Date();
    const world = syntheticWorld({
      regions: [SOURCE],
      disksPerRegion: size.snapshots,
      snapshotsPerDisk: 1,
      now,
      destinations: [DEST],
    });
    const policy = PolicySchema.parse({
      name: 'bench-lock',
      schedule: '0 0 */4 * * *',
      source: { regions: [SOURCE], lookbackHours: 24 * 365, copyMode: 'all' },
      destinations: [
        {
          region: DEST,
          maxConcurrentCopies: 50,
          ...(lock ? { lock: { days: 7, coolOffHours: 24 } } : {}),
        },
      ],
      limits: {
        requestsPerMinute: {
          CopySnapshot: UNTHROTTLED_PER_MINUTE,
          DescribeSnapshots: UNTHROTTLED_PER_MINUTE,
          TagResources: UNTHROTTLED_PER_MINUTE,
          DescribeLockedSnapshots: UNTHROTTLED_PER_MINUTE,
          LockSnapshot: UNTHROTTLED_PER_MINUTE,
        },
      },
      log: { type: 'stdout' },
    });
    return withEmulator({ world, startTime: now }, async (emulator) => {
      emulator.admin.clearThrottle('CopySnapshot');
      await runEngine(emulator, policy);
      emulator.admin.advanceClock(86_400);
      const before = emulator.admin.calls().length;
      await runEngine(emulator, policy);
      const completion = callStats(emulator.admin.calls().slice(before));
      const beforeSteady = emulator.admin.calls().length;
      await runEngine(emulator, policy);
      const steady = callStats(emulator.admin.calls().slice(beforeSteady));
      return { completion, steady };
    });
  };
  const plain = await measure(false);
  const locked = await measure(true);
  const copies = size.snapshots;
  const extraCompletion = locked.completion.total - plain.completion.total;
  const extraSteady = locked.steady.total - plain.steady.total;
  const lockCalls = locked.completion.byAction.LockSnapshot ?? 0;
  const listingCalls = locked.completion.byAction.DescribeLockedSnapshots ?? 0;
  return {
    title: `Cost of locking copies (${copies.toLocaleString('en-US')} new copies, 1 destination)`,
    id: 'lock-cost',
    method:
      'The same world replicated twice against a fresh emulator, once with `lock` on the destination and once without; calls counted by the emulator. Compared: the run that records the completions (and locks the copies) and a steady-state run after it.',
    figures: [
      { label: 'new copies locked', value: copies },
      { label: 'completion run calls without lock', value: plain.completion.total },
      { label: 'completion run calls with lock', value: locked.completion.total },
      {
        label: 'completion run with lock, by action',
        value: breakdown(locked.completion.byAction),
      },
      { label: 'LockSnapshot calls', value: lockCalls },
      {
        label: 'DescribeLockedSnapshots calls (minimum: copies / 100)',
        value: `${listingCalls} (${Math.ceil(copies / LOCK_PAGE)})`,
      },
      { label: 'steady-state run extra calls', value: extraSteady },
    ],
    ratios: [
      {
        label: 'extra calls in the completion run / new copies',
        value: round(extraCompletion / copies, 3),
        meaning:
          '1.010 = one LockSnapshot per new copy plus one DescribeLockedSnapshots per 100 copies, nothing else',
      },
      {
        label: 'steady-state extra calls / (copies / 100)',
        value: round(extraSteady / Math.ceil(copies / LOCK_PAGE), 3),
        meaning: '1.000 = only the lock listing (100 ids a call), no LockSnapshot',
      },
    ],
  };
}
