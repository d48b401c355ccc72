/**
 * One run of a policy. The steps, in order, each in its own file:
 *
 *   coordinate      coordination.ts      the policy's run lease, the account's quota share
 *   prepare         prepare.ts           the read-only steps, shared with `plan`:
 *     preflight       preflight.ts         the destinations' KMS keys
 *     discover        discover.ts          source snapshots     } side by side
 *     reconcile       reconcile.ts         copies in destinations }
 *     learn locks     lock-copies.ts       lock states of completed copies
 *     plan            plan/index.ts        one decision per (snapshot, destination), prunes;
 *                                          locks (lock-copies.ts), drills (restore-drill.ts)
 *   report findings report-findings.ts   alerts for what the listings found
 *   lock            lock-copies.ts       completed copies, before their records say "locked"
 *   record          record-decisions.ts  decisions that need no call
 *   execute         execute.ts           CopySnapshot; confirm-copies.ts checks each answer
 *   record waiting  record-decisions.ts  items behind a copy this run planned
 *   drill           restore-drill.ts     before prune: a drill disk's copy is not pruned
 *   prune           prune.ts
 *   check counts    outcome-count.ts     every selected pair got its record
 *   mark reported   mark-reported.ts     after the records are durable
 *   finish          finish.ts            exit code, run record, summary
 *
 * Every step takes the run's one RunSession (session.ts); a failed call becomes a record, a
 * stopped destination or an abort through one table (call-outcome.ts).
 */
import { withCallDeadline } from '../cloud/call-deadline.ts';
import { callDeadlines } from './call-deadlines.ts';
import { coordinate } from './coordination.ts';
import { abortRun } from './escalate.ts';
import { execute } from './execute.ts';
import { finishRun, finishYielded } from './finish.ts';
import { lockCopies } from './lock-copies.ts';
import { type MarkReportedResult, markReported } from './mark-reported.ts';
import { checkOutcomeCounts } from './outcome-count.ts';
import { type Prepared, prepare } from './prepare.ts';
import { prune } from './prune.ts';
import { recordDecisions, recordWaiting } from './record-decisions.ts';
import { type Findings, reportFindings } from './report-findings.ts';
import { deferBlockedPrunes, runDrills } from './restore-drill.ts';
import { InvalidRunIdError, runIdProblem } from './run-id.ts';
import { openRunSession } from './session.ts';
import type { RunOptions, RunSummary } from './types.ts';

export { planPolicy } from './plan-policy.ts';
export { newRunId } from './run-id.ts';

/** One run of a policy. Resolves with the summary; records go to opts.sink. */
export async function runPolicy(opts: RunOptions): Promise<RunSummary> {
  const badRunId = runIdProblem(opts.runId);
  if (badRunId !== undefined) {
    await opts.sink.close().catch(() => {});
    throw new InvalidRunIdError(badRunId);
  }
  const session = openRunSession(opts, opts.now ?? (() => new Date()));
  const { book, policy, dryRun } = session;

  // Across deployments: the policy's run lease and the account's CopySnapshot quota share.
  const coordination =
    opts.coordination && !dryRun
      ? await coordinate({
          coordination: opts.coordination,
          policy: policy.name,
          runId: opts.runId,
          gate: session.copyGate,
          now: session.now,
          sleep: session.sleep,
          signal: opts.signal,
        })
      : undefined;
  if (coordination?.yielded) return finishYielded(session, coordination.yielded);

  const deadlines = callDeadlines(
    session.startedMs,
    opts.budgetMs,
    policy.limits.timeBudgetFraction,
  );
  let prepared: Prepared;
  try {
    prepared = await withCallDeadline(deadlines.calls, () => prepare(session, deadlines.listing));
  } catch (error) {
    // A bug, not a cloud error: release the sink before the error goes up.
    await coordination?.end().catch(() => {});
    await opts.sink.close().catch(() => {});
    throw error;
  }
  for (const { dest, copies } of prepared.destinations) session.listings.set(dest.region, copies);
  let findings: Findings = { sourceFailures: 0, incomplete: 0 };
  let countMismatch = false;
  if (prepared.abort) {
    abortRun(session, prepared.abort);
  } else {
    findings = reportFindings(session, prepared);
    const { items } = prepared.work;
    // Completed copies are locked before their completion is recorded (the record says so).
    if (!dryRun) await lockCopies(session, prepared.locks);
    // Decisions that need no call are recorded first; then copies, then pruning.
    recordDecisions(session, items);
    session.emit({ type: 'phase', phase: 'execute' });
    await withCallDeadline(deadlines.calls, () => execute(session, items));
    recordWaiting(session, items);
    // Drills before prune: a copy a drill disk still comes from is not pruned (SnapshotCreatedDisk).
    const drilled = await withCallDeadline(deadlines.calls, () =>
      runDrills(session, prepared.destinations, prepared.drills),
    );
    const prunable = deferBlockedPrunes(session, items, drilled);
    session.emit({ type: 'phase', phase: 'prune' });
    await withCallDeadline(deadlines.calls, () => prune(session, prunable));
    countMismatch = checkOutcomeCounts(session, prepared);
  }

  session.emit({ type: 'phase', phase: 'record' });
  let unmarked: MarkReportedResult = { unmarked: 0, errorCodes: [] };
  if (!dryRun && !prepared.abort) {
    // Completion records must be durable before the copies are tagged as reported.
    await book.flush();
    // Not when the records were lost: the next run must record these completions again.
    if (!book.writeFailed) {
      unmarked = await withCallDeadline(deadlines.calls, () =>
        markReported(session, prepared.work.items),
      );
    }
  }
  await coordination?.end().catch(() => {});
  return finishRun(session, {
    ...findings,
    countMismatch,
    unmarked,
    notes: coordination?.notes ?? [],
  });
}
