import { RunAbortedError } from '../errors.ts';
import { describeCallError } from './escalate.ts';
import { prepare } from './prepare.ts';
import { createPlanSession } from './session.ts';
import type { Plan, PlanOptions } from './types.ts';

/**
 * What a run would do, item by item with the reason, and the calls it would add. Writes
 * nothing: no copy, tag, deletion or record.
 */
export async function planPolicy(opts: PlanOptions): Promise<Plan> {
  const session = createPlanSession(opts);
  const prepared = await prepare(session);
  if (prepared.abort) {
    throw new RunAbortedError(prepared.abort.code, describeCallError(prepared.abort), {
      cause: prepared.abort,
    });
  }
  let copies = 0;
  let prunes = 0;
  for (const { action } of prepared.work.items) {
    if (action === 'copy') copies += 1;
    else if (action === 'prune') prunes += 1;
  }
  const wouldMake: Record<string, number> = {};
  if (copies) wouldMake.CopySnapshot = copies;
  if (prunes) wouldMake.DeleteSnapshot = prunes;
  if (prepared.locks.length) wouldMake.LockSnapshot = prepared.locks.length;
  const drills = prepared.drills.filter((d) => d.due).length;
  if (drills) {
    wouldMake.CreateDisk = drills;
    wouldMake.DeleteDisk = drills;
  }
  return {
    policy: opts.policy.name,
    // Work items serialise as plan items (toJSON): no copy of a possibly huge list.
    items: prepared.work.items,
    apiCalls: { made: session.counter.snapshot(), wouldMake },
    // The plan's public shape names the code errorCode (a StopReason's code).
    destinations: prepared.destinations.map(({ dest, stopped }) => ({
      region: dest.region,
      ok: !stopped,
      ...(stopped ? { errorCode: stopped.code, message: stopped.message } : {}),
    })),
    sources: prepared.sources.map(({ region, error }) => ({
      region,
      ok: !error,
      ...(error ? { errorCode: error.code, message: error.message } : {}),
    })),
  };
}
