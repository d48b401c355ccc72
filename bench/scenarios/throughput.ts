import { syntheticWorld } from '../../emulator/index.ts';
import {
  ARRIVAL_MARGIN,
  CEILING_BURST_FRACTION,
  COPY_SNAPSHOT_QUOTA_PER_MINUTE,
} from '../../lib/engine/account-limiter.ts';
import { DEFAULT_REQUESTS_PER_MINUTE } from '../../lib/policy/schema.ts';
import { runEngine, virtualTimeTuning, withEmulator } from '../support/cloud.ts';
import { benchPolicy } from '../support/policy.ts';
import { measureQuota, QUOTA_PER_MINUTE, QUOTA_RULE, type QuotaMeasure } from '../support/quota.ts';
import { type Figure, round, type ScenarioResult } from '../support/report.ts';

export interface ThroughputSize {
  /** CopySnapshot calls waiting: disks with one new snapshot each, one destination. */
  backlog: number;
  /** Virtual seconds per real second. */
  speed: number;
}

export type QuotaVariant = 'alone' | 'competitor' | 'regions';

/** Another caller's share of the account quota in the `competitor` variant. */
const COMPETITOR_SHARE = 0.3;
const ONE_SOURCE = ['cn-hangzhou'];
const THREE_SOURCES = ['cn-hangzhou', 'cn-shanghai', 'cn-shenzhen'];
const DEST = 'cn-beijing';

const TITLES: Record<QuotaVariant, string> = {
  alone: 'Throughput vs quota',
  competitor: `Throughput beside another caller taking ${COMPETITOR_SHARE * 100} % of the quota`,
  regions: 'Throughput from three source regions against one account quota',
};

function quotaFigures(m: QuotaMeasure): Figure[] {
  return [
    { label: 'CopySnapshot calls made', value: m.calls },
    { label: 'CopySnapshot calls accepted', value: m.accepted },
    { label: 'throttling errors seen (Throttling.*)', value: m.throttled },
    {
      label: 'throttled / CopySnapshot calls',
      value: round((100 * m.throttled) / m.calls, 2),
      unit: '%',
    },
    { label: 'pairs with a copy after the run', value: `${m.pairsCopied} of ${m.pairsExpected}` },
    { label: 'lost pairs (no copy)', value: m.lost },
    { label: 'duplicate copies', value: m.duplicates },
    { label: 'virtual minutes from first to last copy', value: round(m.spanMinutes, 2) },
    { label: 'accepted per virtual minute, whole run', value: round(m.wholeRunPerMinute, 1) },
    {
      label: 'accepted per virtual minute after the first minute (steady state)',
      value: Number.isNaN(m.steadyPerMinute)
        ? 'n/a (run shorter than 2 min)'
        : round(m.steadyPerMinute, 1),
    },
    { label: 'most accepted in any 60 s virtual window', value: m.peak60s },
  ];
}

/**
 * CopySnapshot calls the emulator accepted per (virtual) minute against the quota, with a
 * backlog far larger than one minute's worth: alone on the account, beside a competing caller,
 * or from three source regions at once. The emulator enforces the quota per account on its
 * virtual clock; the engine's limiter and backoff run on the same virtual clock.
 */
export async function throughput(
  size: ThroughputSize,
  variant: QuotaVariant = 'alone',
): Promise<ScenarioResult> {
  const now = new Date();
  const sources = variant === 'regions' ? THREE_SOURCES : ONE_SOURCE;
  const disksPerRegion = Math.ceil(size.backlog / sources.length);
  const world = syntheticWorld({
    regions: sources,
    disksPerRegion,
    snapshotsPerDisk: 1,
    now,
    destinations: [DEST],
  });
  const policy = benchPolicy({
    name: `bench-throughput-${variant}`,
    sourceRegions: sources,
    destRegions: [DEST],
    requestsPerMinute: {},
    maxConcurrentCopies: 10,
  });
  const share = variant === 'competitor' ? COMPETITOR_SHARE : 0;
  const available = QUOTA_PER_MINUTE * (1 - share);
  return withEmulator({ world, startTime: now, speed: size.speed }, async (emulator) => {
    emulator.admin.setThrottle('CopySnapshot', {
      ...QUOTA_RULE,
      ...(share > 0 ? { competitorShare: share } : {}),
    });
    const run = await runEngine(emulator, policy, virtualTimeTuning(size.speed));
    const m = measureQuota(emulator, policy, disksPerRegion * sources.length);
    const competitor = emulator.admin.throttleStats().CopySnapshot?.competitor;
    const steady = m.steadyPerMinute;
    const rate = Number.isNaN(steady) ? m.wholeRunPerMinute : steady;
    const when = Number.isNaN(steady) ? 'whole run' : 'steady state';
    const figures = quotaFigures(m);
    if (competitor && share > 0) {
      figures.push(
        { label: 'competitor calls served', value: Math.round(competitor.served) },
        { label: 'competitor calls refused', value: Math.round(competitor.refused) },
      );
    }
    figures.push({ label: 'real wall time', value: round(run.wallMs / 1000, 1), unit: 's' });
    const start = DEFAULT_REQUESTS_PER_MINUTE.CopySnapshot;
    return {
      id: variant === 'alone' ? 'throughput' : `throughput-${variant}`,
      title: `${TITLES[variant]} (${(disksPerRegion * sources.length).toLocaleString('en-US')}-copy backlog)`,
      method: `Emulator clock at ×${size.speed}; the emulator meters CopySnapshot per account at ${QUOTA_PER_MINUTE} per virtual minute with a burst of ${QUOTA_RULE.burst} (Throttling.User beyond it)${share > 0 ? `, and a competing caller spends ${share * 100} % of it first` : ''}. ${sources.length} source region(s), one destination, 10 copies in flight. The engine runs with its default limits: one CopySnapshot rate for the account, starting at ${start}/min, adapting (CUBIC) up to the quota ${COPY_SNAPSHOT_QUOTA_PER_MINUTE}/min (window-exact at ${(1 - ARRIVAL_MARGIN) * 100} % of it for arrival jitter, ${CEILING_BURST_FRACTION * 100} % burst) and down on throttles, its limiter and backoff on the same virtual clock. Rates are accepted calls over virtual time from the emulator's call log; steady state excludes the first minute.`,
      figures,
      ratios:
        variant === 'regions'
          ? [
              {
                label: 'most CopySnapshot accepted in any 60 s window / quota',
                value: round(m.peak60s / QUOTA_PER_MINUTE, 3),
                meaning:
                  '≤ 1 = the account never went over its quota, whatever the number of source regions',
              },
              {
                label: `CopySnapshot accepted per minute / quota (${when})`,
                value: round(rate / QUOTA_PER_MINUTE, 3),
                meaning: 'close to 1 = three regions share the quota instead of each taking it',
              },
            ]
          : [
              {
                label:
                  share > 0
                    ? `CopySnapshot accepted per minute / (quota − competitor) (${when})`
                    : `CopySnapshot accepted per minute / quota (${when})`,
                value: round(rate / available, 3),
                meaning:
                  share > 0
                    ? `of the ${available}/min left by the other caller, the share the engine used (1 = all)`
                    : `quota ${QUOTA_PER_MINUTE}/min; the engine never sends more than the quota in any 60 s window`,
              },
              {
                label: 'throttled / CopySnapshot calls',
                value: round(m.throttled / m.calls, 4),
                meaning: 'the cost of finding the rate: calls the quota refused',
              },
            ],
    };
  });
}
