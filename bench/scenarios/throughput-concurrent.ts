import { syntheticWorld } from '../../emulator/index.ts';
import { createCloudClients } from '../../lib/cloud/clients.ts';
import { MemorySink } from '../../lib/cloud/sinks.ts';
import { createSlsClaimStore } from '../../lib/cloud/sls-claim-store.ts';
import { QUOTA_SHARE_DEFAULTS } from '../../lib/engine/quota-share.ts';
import { runPolicy } from '../../lib/engine/run.ts';
import type { EngineTuning } from '../../lib/engine/types.ts';
import { virtualTimeTuning, withEmulator } from '../support/cloud.ts';
import { benchPolicy } from '../support/policy.ts';
import { measureQuota, QUOTA_PER_MINUTE, QUOTA_RULE } from '../support/quota.ts';
import { round, type ScenarioResult } from '../support/report.ts';

const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-shenzhen'];
const DEST = 'cn-beijing';
/** The claim board's wait for the store's index, in virtual ms (the emulator indexes at once). */
const SETTLE_MS = 1_000;

export interface ConcurrentSize {
  backlog: number;
  speed: number;
  runs: 2 | 3;
}

/**
 * Two or three runs of different policies at once on one account, each a separate engine with
 * its own CopySnapshot gate (as separate FC instances would be), coordinating only through claims
 * in the emulator's SLS over the real @alicloud/log client: each takes quota / (live runs) as its
 * ceiling, re-read every refresh, and still adapts to throttling.
 */
export async function throughputConcurrent(size: ConcurrentSize): Promise<ScenarioResult> {
  const now = new Date();
  const regions = REGIONS.slice(0, size.runs);
  const disksPerRegion = Math.ceil(size.backlog / regions.length);
  const world = syntheticWorld({
    regions,
    disksPerRegion,
    snapshotsPerDisk: 1,
    now,
    destinations: [DEST],
  });
  const policies = regions.map((region, i) =>
    benchPolicy({
      name: `bench-concurrent-${i + 1}`,
      sourceRegions: [region],
      destRegions: [DEST],
      requestsPerMinute: {},
      maxConcurrentCopies: 10,
    }),
  );
  return withEmulator({ world, startTime: now, speed: size.speed }, async (emulator) => {
    emulator.admin.setThrottle('CopySnapshot', QUOTA_RULE);
    const virtual = virtualTimeTuning(size.speed);
    const wallOrigin = Date.now();
    const store = createSlsClaimStore({
      project: 'dr-bench',
      logstore: 'records',
      region: 'cn-hangzhou',
      credentials: emulator.credentials,
      endpoint: emulator.url,
    });
    const started = performance.now();
    const summaries = await Promise.all(
      policies.map((policy, i) => {
        // One virtual time, but a clock function per run: each run gets a gate of its own.
        const tuning: EngineTuning = { clock: () => virtual.clock!(), sleep: virtual.sleep! };
        const cloud = createCloudClients({
          credentials: emulator.credentials,
          endpoint: emulator.url,
        });
        return runPolicy({
          policy,
          cloud,
          sink: new MemorySink(),
          runId: `run-instance-${i + 1}`,
          now: () => new Date(wallOrigin + virtual.clock!()),
          tuning,
          coordination: { store, settleMs: SETTLE_MS },
        });
      }),
    );
    const wallMs = performance.now() - started;
    const measures = policies.map((p) => measureQuota(emulator, p, disksPerRegion));
    const m = measures[0]!;
    const lost = measures.reduce((n, x) => n + x.lost, 0);
    const duplicates = measures.reduce((n, x) => n + x.duplicates, 0);
    const pairs = measures.reduce((n, x) => n + x.pairsCopied, 0);
    const steady = m.steadyPerMinute;
    const rate = Number.isNaN(steady) ? m.wholeRunPerMinute : steady;
    const when = Number.isNaN(steady) ? 'whole run' : 'steady state';
    const notes = summaries.flatMap((s) =>
      s.exitCode === 0 ? [] : [`${s.runId} exit ${s.exitCode}`],
    );
    return {
      id: `throughput-concurrent-${size.runs}`,
      title: `Throughput of ${size.runs} concurrent runs on one account (${(disksPerRegion * regions.length).toLocaleString('en-US')}-copy backlog)`,
      method: `Emulator clock at ×${size.speed}, CopySnapshot metered per account at ${QUOTA_PER_MINUTE} per virtual minute (burst ${QUOTA_RULE.burst}). ${size.runs} policies (one source region each, one destination) run at once as separate engines, each with its own CopySnapshot gate, as separate FC instances would: they share nothing but the account and claims in the emulator's SLS (real @alicloud/log client): each claims \`copy-quota\`, takes quota / (live runs) as its ceiling, re-reads every ${QUOTA_SHARE_DEFAULTS.refreshMs / 1000} s virtual, and adapts to throttling within it. Figures from the emulator's call log.`,
      figures: [
        { label: 'CopySnapshot calls made (all runs)', value: m.calls },
        { label: 'CopySnapshot calls accepted', value: m.accepted },
        { label: 'throttling errors seen (Throttling.*)', value: m.throttled },
        {
          label: 'pairs with a copy after the runs',
          value: `${pairs} of ${disksPerRegion * regions.length}`,
        },
        { label: 'lost pairs (no copy)', value: lost },
        { label: 'duplicate copies', value: duplicates },
        {
          label: 'runs that did not exit 0',
          value: notes.length === 0 ? 'none' : notes.join(', '),
        },
        { label: 'virtual minutes from first to last copy', value: round(m.spanMinutes, 2) },
        { label: 'most accepted in any 60 s virtual window', value: m.peak60s },
        { label: 'real wall time', value: round(wallMs / 1000, 1), unit: 's' },
      ],
      ratios: [
        {
          label: 'most CopySnapshot accepted in any 60 s window / quota',
          value: round(m.peak60s / QUOTA_PER_MINUTE, 3),
          meaning: '≤ 1 = the account never went over its quota with several runs at once',
        },
        {
          label: `CopySnapshot accepted per minute / quota, all runs (${when})`,
          value: round(rate / QUOTA_PER_MINUTE, 3),
          meaning:
            'close to 1 = the runs shared the quota instead of each taking it (target ≥ 0.90)',
        },
        {
          label: 'throttled / CopySnapshot calls',
          value: round(m.throttled / m.calls, 4),
          meaning: 'target ≤ 0.02; 0 duplicates and 0 lost pairs are figures above',
        },
      ],
    };
  });
}
