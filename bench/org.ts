/**
 * Organisation fan-out: a 50-account organisation in the emulator, the dispatcher invoking the
 * worker through the FC 3.0 SDK's async invoke, each worker assuming the member role and
 * running the engine in its account. Prints measured figures and ratios (never hard-coded):
 *   - wall time from dispatch to the last worker finishing, worker concurrency 1 vs 10, and
 *     their ratio (target >= 5): per-account CopySnapshot quotas are why fan-out scales;
 *   - the peak CopySnapshot calls any account made in any 60 s (virtual) window, per source
 *     region (where CopySnapshot is called and throttled) and account-wide, against that account's quota (the emulator's throttle rule);
 *   - copies per (account, snapshot, destination): must be exactly 1.
 * `npm run bench:org` (ORG_ACCOUNTS, ORG_SNAPSHOTS, ORG_SPEED, ORG_QUOTA to change the size).
 */
import type { CallLogEntry } from '../emulator/index.ts';
import { copiesPerPair, DESTINATIONS, orgWorld, SOURCE } from '../lib/cli/org-world.ts';

const ACCOUNTS = Number(process.env.ORG_ACCOUNTS ?? 50);
const SNAPSHOTS = Number(process.env.ORG_SNAPSHOTS ?? 10);
/** Virtual seconds per real second for every account's cloud. */
const SPEED = Number(process.env.ORG_SPEED ?? 30);
/**
 * Each member's CopySnapshot quota per virtual minute (per region, as the emulator models it).
 * Scaled down from the documented 1000 so that an account's 20 copies span several minutes of
 * its clock and the 60 s window check means something; the clock runs ×30 to keep it quick.
 */
const QUOTA = Number(process.env.ORG_QUOTA ?? 10);
/** The policy's rate: 90 % of the quota per (virtual) minute; the limiter runs on that clock. */
const RATE = Math.max(1, Math.floor(QUOTA * 0.9));

function peakWindow(times: readonly number[], windowMs: number): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

function copyTimes(entries: readonly CallLogEntry[], region?: string): number[] {
  return entries
    .filter((e) => e.action === 'CopySnapshot' && e.code === 'OK')
    .filter((e) => region === undefined || e.region === region)
    .map((e) => Date.parse(e.time))
    .sort((a, b) => a - b);
}

interface Measured {
  wallMs: number;
  peakPerRegion: number;
  peakPerAccount: number;
  throttled: number;
  pairs: number;
  notOnce: number;
}

async function measure(concurrency: number): Promise<Measured> {
  const world = await orgWorld({
    accounts: ACCOUNTS,
    snapshotsPerAccount: SNAPSHOTS,
    workerConcurrency: concurrency,
    speed: SPEED,
    copyQuotaPerMinute: QUOTA,
    requestsPerMinute: RATE,
  });
  try {
    const started = performance.now();
    await world.tick('2026-12-02T04:00:00Z');
    const wallMs = performance.now() - started;
    let peakPerRegion = 0;
    let peakPerAccount = 0;
    let throttled = 0;
    for (const id of world.accounts) {
      const calls = world.org.account(id).admin.calls();
      throttled += calls.filter((c) => c.code.startsWith('Throttling')).length;
      // CopySnapshot is called in (and throttled by) the source region.
      peakPerRegion = Math.max(peakPerRegion, peakWindow(copyTimes(calls, SOURCE), 60_000));
      peakPerAccount = Math.max(peakPerAccount, peakWindow(copyTimes(calls), 60_000));
    }
    const pairs = copiesPerPair(world);
    return {
      wallMs,
      peakPerRegion,
      peakPerAccount,
      throttled,
      pairs: pairs.size,
      notOnce: [...pairs.values()].filter((n) => n !== 1).length,
    };
  } finally {
    await world.close();
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`);
out(
  `org fan-out: ${ACCOUNTS} accounts × ${SNAPSHOTS} snapshots × ${DESTINATIONS.length} destinations; clock ×${SPEED}; CopySnapshot quota ${QUOTA}/min per account and region, policy rate ${RATE}/min`,
);
const serial = await measure(1);
out(`concurrency  1: ${(serial.wallMs / 1000).toFixed(1)} s wall`);
const parallel = await measure(10);
out(`concurrency 10: ${(parallel.wallMs / 1000).toFixed(1)} s wall`);
out(`ratio wall(1) / wall(10): ${(serial.wallMs / parallel.wallMs).toFixed(2)} (target >= 5)`);
for (const [label, m] of [
  ['concurrency 1', serial],
  ['concurrency 10', parallel],
] as const) {
  out(
    `${label}: peak CopySnapshot per account and source region in any 60 s ${m.peakPerRegion} / quota ${QUOTA} (${(m.peakPerRegion / QUOTA).toFixed(2)}); account-wide ${m.peakPerAccount}; throttled answers ${m.throttled}; pairs ${m.pairs} / ${ACCOUNTS * SNAPSHOTS * DESTINATIONS.length}, not exactly once ${m.notOnce}`,
  );
}
