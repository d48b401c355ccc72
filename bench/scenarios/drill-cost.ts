import { syntheticWorld } from '../../emulator/index.ts';
import { PolicySchema } from '../../lib/policy/schema.ts';
import { breakdown, callStats, runEngine, withEmulator } from '../support/cloud.ts';
import { round, type ScenarioResult } from '../support/report.ts';

export interface DrillCostSize {
  disks: number;
  destinations: number;
}

const SOURCE = 'cn-hangzhou';
const DESTINATIONS = ['cn-shanghai', 'cn-beijing', 'ap-southeast-1'] as const;
const UNTHROTTLED_PER_MINUTE = 100_000;

/**
 * What a restore drill (issue 18) adds to a run: the same world replicated with and without
 * `restoreDrill`; the run after the copies complete drills each destination once (list drill
 * disks, DescribeZones, CreateDisk, DescribeDisks polls until Available, DeleteDisk, tag the
 * copy). Engine waits move the emulator's virtual clock (speed 0), so a 30 s restore costs
 * the polls it really needs, not wall time.
 */
export async function drillCost(size: DrillCostSize): Promise<ScenarioResult> {
  const dests = DESTINATIONS.slice(0, size.destinations);
  const measure = (drill: boolean) => {
    const now = new Date();
    const world = syntheticWorld({
      regions: [SOURCE],
      disksPerRegion: size.disks,
      snapshotsPerDisk: 1,
      now,
      destinations: [...dests],
    });
    const policy = PolicySchema.parse({
      name: 'bench-drill',
      schedule: '0 0 */4 * * *',
      source: { regions: [SOURCE], lookbackHours: 24 * 365, copyMode: 'all' },
      destinations: dests.map((region) => ({ region, maxConcurrentCopies: 50 })),
      ...(drill ? { restoreDrill: { everyDays: 7, diskCategory: 'cloud_essd' } } : {}),
      limits: {
        requestsPerMinute: {
          CopySnapshot: UNTHROTTLED_PER_MINUTE,
          DescribeSnapshots: UNTHROTTLED_PER_MINUTE,
          TagResources: UNTHROTTLED_PER_MINUTE,
        },
      },
      log: { type: 'stdout' },
    });
    return withEmulator({ world, startTime: now, speed: 0 }, async (emulator) => {
      emulator.admin.clearThrottle('CopySnapshot');
      const tuning = {
        clock: () => emulator.admin.now().getTime(),
        sleep: async (ms: number) => {
          if (ms > 0) emulator.admin.advanceClock(ms / 1000);
        },
      };
      await runEngine(emulator, policy, tuning);
      emulator.admin.advanceClock(86_400);
      const before = emulator.admin.calls().length;
      const drilled = await runEngine(emulator, policy, tuning);
      const completion = callStats(emulator.admin.calls().slice(before));
      const beforeSteady = emulator.admin.calls().length;
      await runEngine(emulator, policy, tuning);
      const steady = callStats(emulator.admin.calls().slice(beforeSteady));
      return { completion, steady, restored: drilled.summary.totals.restored };
    });
  };
  const plain = await measure(false);
  const drilled = await measure(true);
  const n = dests.length;
  const extra = drilled.completion.total - plain.completion.total;
  const extraSteady = drilled.steady.total - plain.steady.total;
  return {
    title: `Cost of restore drills (${size.disks} disks, ${n} destinations, one drill each)`,
    id: 'drill-cost',
    method:
      'The same world replicated twice against a fresh emulator (speed 0, engine waits move its clock), once with `restoreDrill` and once without; calls counted by the emulator. Compared: the run after the copies complete (each destination drills once) and a steady-state run after it (no drill due).',
    figures: [
      { label: 'drills recorded restored', value: drilled.restored },
      { label: 'drill run calls without restoreDrill', value: plain.completion.total },
      { label: 'drill run calls with restoreDrill', value: drilled.completion.total },
      {
        label: 'drill run with restoreDrill, by action',
        value: breakdown(drilled.completion.byAction),
      },
      { label: 'steady-state run extra calls', value: extraSteady },
    ],
    ratios: [
      {
        label: 'extra calls per destination per drill',
        value: round(extra / n, 3),
        meaning:
          'DescribeDisks (drill-disk listing) + DescribeZones + CreateDisk + DescribeDisks polls until Available (5 s, then doubling) + DeleteDisk + TagResources (drill time on the copy)',
      },
      {
        label: 'steady-state extra calls per destination',
        value: round(extraSteady / n, 3),
        meaning: '1.000 = only the drill-disk listing (DescribeDisks) when no drill is due',
      },
    ],
  };
}
