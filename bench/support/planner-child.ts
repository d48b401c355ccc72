/**
 * The planner side of bench/scale.ts, in its own process so its peak RSS is the planner's own
 * (the emulator's world stays in the parent). bench/scale.ts bundles this file the way the FC
 * function is bundled and runs it with `node` and the function's NODE_OPTIONS: what is measured
 * is the engine as it ships, not the TypeScript loader (SCALE_TSX=1 runs it through tsx).
 * Modes: --child=list|plan|floor.
 */
import {
  createCloudClients,
  credentialsFromEnv,
  endpointFromEnv,
} from '../../lib/cloud/clients.ts';
import { listSnapshots } from '../../lib/domain/listing.ts';
import { selectorTags, sourceQueries } from '../../lib/engine/discover.ts';
import { planPolicy } from '../../lib/engine/run.ts';
import { createPlanSession } from '../../lib/engine/session.ts';
import { type Policy, PolicySchema } from '../../lib/policy/schema.ts';

export const SOURCES = ['cn-hangzhou', 'cn-shanghai', 'cn-shenzhen', 'cn-qingdao'];
export const DESTINATIONS = ['cn-beijing', 'ap-southeast-1', 'us-west-1'];

export interface ListResult {
  listMs: number;
  listPages: number;
  /** Peak RSS of the listing-only child: what holding the listings alone costs. */
  maxRssKiB: number;
}

export interface PlanResult {
  planMs: number;
  items: number;
  made: Record<string, number>;
  wouldMake: Record<string, number>;
  maxRssKiB: number;
}

function benchPolicy(): Policy {
  return PolicySchema.parse({
    name: 'bench-scale',
    schedule: '0 0 * * * *',
    source: { regions: SOURCES, lookbackHours: 24 * 30 },
    destinations: DESTINATIONS.map((region) => ({ region })),
  });
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
  const ctx = createPlanSession({ policy, cloud: childCloud() });
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

/** Child: loads the same modules and plans nothing: the RSS floor of this process. */
async function floorChild(): Promise<{ maxRssKiB: number }> {
  await import('../../lib/engine/run.ts');
  return { maxRssKiB: process.resourceUsage().maxRSS };
}

const mode = process.argv.find((a) => a.startsWith('--child='))?.slice('--child='.length);
if (mode === 'list' || mode === 'plan' || mode === 'floor') {
  // SCALE_SAMPLE=1: where the child's memory sits at its peak (V8 heap vs Buffers vs the rest).
  const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sampler = process.env.SCALE_SAMPLE
    ? setInterval(() => {
        const m = process.memoryUsage();
        if (m.rss > peak.rss) Object.assign(peak, m);
      }, 100)
    : undefined;
  const result =
    mode === 'list' ? await listChild() : mode === 'plan' ? await planChild() : await floorChild();
  if (sampler) {
    clearInterval(sampler);
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
    process.stderr.write(
      `${mode} child at its sampled peak: rss ${mib(peak.rss)}, heapTotal ${mib(peak.heapTotal)}, heapUsed ${mib(peak.heapUsed)}, external ${mib(peak.external)}, arrayBuffers ${mib(peak.arrayBuffers)}\n`,
    );
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
