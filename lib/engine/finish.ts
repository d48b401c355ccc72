import { Code } from '../codes.ts';
import { ExitCode } from '../errors.ts';
import type { Claim } from '../ports.ts';
import { Outcome } from '../records/types.ts';
import type { MarkReportedResult } from './mark-reported.ts';
import type { Findings } from './report-findings.ts';
import { inShard, type RunSession } from './session.ts';
import type { RunSummary } from './types.ts';

/** What the steps leave for the exit code and the run message, beyond the book and stops. */
export interface RunEnd extends Findings {
  countMismatch: boolean;
  unmarked: MarkReportedResult;
  /** Coordination notes (lease, quota share) for the run message. */
  notes: string[];
}

/** The run's start, end and duration, as its record and its summary both state them. */
function endTimes(session: RunSession) {
  return {
    startedAt: session.startedAt.toISOString(),
    finishedAt: session.now().toISOString(),
    durationMs: Math.round(performance.now() - session.startedMs),
  };
}

/**
 * The last step: the exit code, the run record, and the summary. A stop reason's `code` is the
 * summary's and the record's `errorCode` (public field names).
 */
export async function finishRun(session: RunSession, end: RunEnd): Promise<RunSummary> {
  const { book, stop, dryRun, policy } = session;
  const times = endTimes(session);
  const exitCode = stop.aborted
    ? ExitCode.Aborted
    : book.totals[Outcome.Failed] > 0 ||
        book.totals[Outcome.RestoreFailed] > 0 ||
        stop.destinations.size > 0 ||
        end.sourceFailures > 0 ||
        end.incomplete > 0 ||
        end.countMismatch ||
        book.writeFailed
      ? ExitCode.ItemsFailed
      : ExitCode.Ok;
  const apiCalls = session.counter.snapshot();
  const message = [runMessage(session, end.unmarked), ...end.notes].join('; ');
  await book.finish({
    ...times,
    exitCode,
    apiCalls,
    message,
    ...(stop.aborted ? { errorCode: stop.aborted.code } : {}),
  });
  // The run record itself may be what the store refused: kept, so exit 1, not 0.
  const finalExit =
    book.recordsPending > 0 && exitCode === ExitCode.Ok ? ExitCode.ItemsFailed : exitCode;
  return {
    runId: session.runId,
    policy: policy.name,
    ...times,
    dryRun,
    totals: { ...book.totals },
    destinations: policy.destinations
      .filter((d) => inShard(session.shard?.destRegions, d.region))
      .map((d) => {
        const stopped = stop.destinations.get(d.region);
        return {
          region: d.region,
          counts: { ...(book.perDestination.get(d.region) ?? emptyCounts()) },
          ...(stopped ? { stopped: { errorCode: stopped.code, message: stopped.message } } : {}),
        };
      }),
    apiCalls,
    exitCode: finalExit,
    ...(stop.aborted
      ? { aborted: { errorCode: stop.aborted.code, message: stop.aborted.message } }
      : {}),
    ...(book.recordsPending > 0 ? { recordsPending: book.recordsPending } : {}),
  };
}

/** Another run holds the policy's lease: one run record says so; no call, exit 0. */
export async function finishYielded(session: RunSession, holder: Claim): Promise<RunSummary> {
  const { book, policy } = session;
  const since = new Date(holder.startedAt).toISOString();
  const expiresAt = new Date(holder.expiresAt).toISOString();
  const times = endTimes(session);
  await book.finish({
    ...times,
    exitCode: ExitCode.Ok,
    apiCalls: {},
    errorCode: Code.Yielded,
    message: `yielded: ${policy.name} is being run by ${holder.holder} since ${since}; its lease expires at ${expiresAt} unless renewed`,
  });
  return {
    runId: session.runId,
    policy: policy.name,
    ...times,
    dryRun: false,
    totals: { ...book.totals },
    destinations: [],
    apiCalls: {},
    exitCode: ExitCode.Ok,
    yielded: { runId: holder.holder, since, expiresAt },
  };
}

function emptyCounts(): Record<Outcome, number> {
  return Object.fromEntries(Object.values(Outcome).map((o) => [o, 0])) as Record<Outcome, number>;
}

function runMessage({ book, stop, dryRun }: RunSession, unmarked: MarkReportedResult): string {
  const t = book.totals;
  const parts = [
    `${dryRun ? 'dry run: ' : ''}${t.started} started, ${t.completed} completed, ${t['in-progress']} in progress, ${t['already-copied']} already copied, ${t.deferred} deferred, ${t.skipped} skipped, ${t.failed} failed, ${t.pruned} pruned`,
  ];
  if (t.restored || t['restore-failed']) {
    parts.push(`restore drills: ${t.restored} restored, ${t['restore-failed']} failed`);
  }
  if (stop.aborted) parts.push(`aborted: ${stop.aborted.message}`);
  for (const [region, why] of stop.destinations) parts.push(`${region} stopped: ${why.code}`);
  if (unmarked.unmarked > 0) {
    const codes = unmarked.errorCodes.length > 0 ? ` (${unmarked.errorCodes.join(', ')})` : '';
    parts.push(
      `${unmarked.unmarked} finished copies could not be tagged as reported${codes}: the next run records them again`,
    );
  }
  return parts.join('; ');
}
