import { withCallDeadline } from '../cloud/call-deadline.ts';
import type { CloudApiError } from '../cloud/errors.ts';
import type { Destination } from '../policy/schema.ts';
import { stopsRun } from './call-outcome.ts';
import { discover, type SourceDiscovery } from './discover.ts';
import { type LockTask, learnLocks, planLocks } from './lock-copies.ts';
import { type DestinationInput, planWork, type WorkPlan } from './plan/index.ts';
import { type PreflightResult, preflight } from './preflight.ts';
import { type DestinationCopies, indexCopies, reconcile } from './reconcile.ts';
import { type DrillPlan, notePlannedDrills, planDrills } from './restore-drill.ts';
import { inShard, type PlanSession } from './session.ts';

/** What the read-only steps leave for the run (or the plan): the work and what it came from. */
export interface Prepared {
  work: WorkPlan;
  destinations: DestinationInput[];
  sources: SourceDiscovery[];
  /** Completed copies of locking destinations to lock this run. */
  locks: LockTask[];
  /** Restore drills per destination (restoreDrill). */
  drills: DrillPlan[];
  abort?: CloudApiError;
}

/**
 * The steps that only read, shared by `run` and `plan`: preflight, then discover and reconcile
 * side by side, the lock states, then the plan (work, locks, drills). A stop-run error in any
 * listing ends here with nothing planned.
 */
export async function prepare(session: PlanSession, deadline?: number): Promise<Prepared> {
  const { policy } = session;
  const destinations = policy.destinations.filter((d) =>
    inShard(session.shard?.destRegions, d.region),
  );
  session.emit({ type: 'phase', phase: 'preflight' });
  const checks = await withCallDeadline(deadline, () => preflight(session, destinations));
  const preflightAbort = checks.flatMap((c) => (!c.ok && c.abort ? [c.abort] : []))[0];
  if (preflightAbort) return aborted([], preflightAbort);

  const usable = destinations.filter((d) => checks.find((c) => c.region === d.region)?.ok);
  // Sources and destinations are listed side by side: they share nothing but the limiter.
  session.emit({ type: 'phase', phase: 'discover' });
  const discovering = withCallDeadline(deadline, () => discover(session));
  session.emit({ type: 'phase', phase: 'reconcile' });
  const [sources, listings] = await Promise.all([
    discovering,
    withCallDeadline(deadline, () =>
      reconcile(
        session,
        usable.map((d) => d.region),
      ),
    ),
  ]);
  const listingAbort = [...sources, ...listings]
    .map((x) => x.error)
    .find((e): e is CloudApiError => e !== undefined && stopsRun(e));
  if (listingAbort) return aborted(sources, listingAbort);

  const inputs = destinations.map((dest) => destinationInput(session, dest, checks, listings));
  const lockAbort = await learnLocks(session, inputs);
  if (lockAbort) return aborted(sources, lockAbort);
  session.emit({ type: 'phase', phase: 'plan' });
  const work = planWork({
    policy,
    now: session.now(),
    sources,
    destinations: inputs,
    shard: session.shard,
  });
  const locks = planLocks(work.items, inputs, session.now());
  const drills = planDrills(policy, inputs, session.now());
  notePlannedDrills(work.items, drills);
  const perDestination: Record<string, number> = {};
  for (const item of work.items) {
    if (item.action === 'copy')
      perDestination[item.destRegion] = (perDestination[item.destRegion] ?? 0) + 1;
  }
  session.emit({
    type: 'planned',
    perDestination,
    total: Object.values(perDestination).reduce((a, b) => a + b, 0),
  });
  return { work, destinations: inputs, sources, locks, drills };
}

function aborted(sources: SourceDiscovery[], abort: CloudApiError): Prepared {
  return {
    work: { items: [], rpoBreaches: [] },
    destinations: [],
    sources,
    locks: [],
    drills: [],
    abort,
  };
}

/** A destination's copies, and why it is stopped: its preflight failed or its copies were not listed. */
function destinationInput(
  session: PlanSession,
  dest: Destination,
  checks: PreflightResult[],
  listings: DestinationCopies[],
): DestinationInput {
  const check = checks.find((c) => c.region === dest.region);
  const copies = listings.find((l) => l.region === dest.region);
  const input: DestinationInput = {
    dest,
    copies: copies ?? indexCopies(dest.region, session.policy.name, []),
  };
  if (check && !check.ok) {
    input.stopped = check.stopped;
  } else if (copies?.error) {
    input.stopped = {
      code: copies.error.code,
      message: `copies in ${dest.region} could not be listed: ${copies.error.message}`,
    };
  }
  return input;
}
