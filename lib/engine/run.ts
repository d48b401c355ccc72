import { randomUUID } from 'node:crypto';
import { withCallDeadline } from '../cloud/call-deadline.ts';
import type { CloudApiError } from '../cloud/errors.ts';
import { Code } from '../codes.ts';
import { ExitCode, RunAbortedError } from '../errors.ts';
import type { Claim } from '../ports.ts';
import { RecordBook } from '../records/book.ts';
import { AlertKind, Outcome } from '../records/types.ts';
import { classify, ErrorClass } from './classify.ts';
import { createContext, type EngineContext, inShard } from './context.ts';
import { coordinate } from './coordination.ts';
import { discover, type SourceDiscovery } from './discover.ts';
import { abortRun, describeCallError, stopDestination } from './escalate.ts';
import { type ExecuteOptions, execute, recordItem } from './execute.ts';
import { type LockTask, learnLocks, lockCopies, planLocks } from './lock-copies.ts';
import { type MarkReportedResult, markReported } from './mark-reported.ts';
import { type DestinationInput, planWork, type WorkPlan } from './plan.ts';
import { preflight } from './preflight.ts';
import { prune } from './prune.ts';
import { type DestinationCopies, indexCopies, reconcile } from './reconcile.ts';
import {
  type DrillPlan,
  deferBlockedPrunes,
  notePlannedDrills,
  planDrills,
  runDrills,
} from './restore-drill.ts';
import { InvalidRunIdError, runIdProblem } from './run-id.ts';
import { StopState } from './stop.ts';
import type { Plan, PlanOptions, RunOptions, RunSummary } from './types.ts';
import { BlockingCopies } from './waiting.ts';

/** A correlation id for runs started outside FC (which passes its request id). */
export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `run-${stamp}-${randomUUID().slice(0, 8)}`;
}

interface Prepared {
  work: WorkPlan;
  destinations: DestinationInput[];
  sources: SourceDiscovery[];
  /** Completed copies of locking destinations to lock this run. */
  locks: LockTask[];
  /** Restore drills per destination (restoreDrill). */
  drills: DrillPlan[];
  abort?: CloudApiError;
}

function isStopRun(error: CloudApiError | undefined): error is CloudApiError {
  return error !== undefined && classify(error.code, error.httpStatus) === ErrorClass.StopRun;
}

/**
 * Deadlines within a time budget (fractions of it). Listings (preflight, discover, reconcile)
 * must be done by half of the copy window, so a region whose API hangs gives up and leaves the
 * other half to the copies of the regions that answered; no call runs past the middle of what
 * remains after the copy window, which leaves the rest for records.
 */
const LISTING_SHARE_OF_COPY_WINDOW = 0.5;
/**
 * Floors, so a short budget (serve's one-second test schedules, a small FC timeout) is not all
 * spent on deadlines: listings get at least this much of the copy window, and a call in flight
 * at least this long after the copy window closes (a cut call is an unknown outcome).
 */
const LISTING_FLOOR_MS = 5_000;
const CALL_FLOOR_MS = 5_000;

interface CallDeadlines {
  /** performance.now() ms after which no listing call runs. */
  listing?: number | undefined;
  /** performance.now() ms after which no call at all runs. */
  calls?: number | undefined;
}

function callDeadlines(
  startedMs: number,
  budgetMs: number | undefined,
  fraction: number,
): CallDeadlines {
  if (budgetMs === undefined) return {};
  const window = budgetMs * fraction;
  return {
    listing:
      startedMs +
      Math.max(window * LISTING_SHARE_OF_COPY_WINDOW, Math.min(window, LISTING_FLOOR_MS)),
    calls: startedMs + Math.max((budgetMs * (1 + fraction)) / 2, window + CALL_FLOOR_MS),
  };
}

/** Steps 2-5: preflight, discover, reconcile, plan. Reads only. */
async function prepare(ctx: EngineContext, deadline?: number): Promise<Prepared> {
  const { policy } = ctx;
  const destinations = policy.destinations.filter((d) => inShard(ctx.shard?.destRegions, d.region));
  ctx.emit({ type: 'phase', phase: 'preflight' });
  const checks = await withCallDeadline(deadline, () => preflight(ctx, destinations));
  const empty: WorkPlan = { items: [], rpoBreaches: [] };
  const preflightAbort = checks.find((c) => c.abort)?.abort;
  if (preflightAbort)
    return {
      work: empty,
      destinations: [],
      sources: [],
      locks: [],
      drills: [],
      abort: preflightAbort,
    };

  const usable = destinations.filter((d) => checks.find((c) => c.region === d.region)?.ok);
  // Sources and destinations are listed side by side: they share nothing but the limiter.
  ctx.emit({ type: 'phase', phase: 'discover' });
  const discovering = withCallDeadline(deadline, () => discover(ctx));
  ctx.emit({ type: 'phase', phase: 'reconcile' });
  const [sources, listings] = await Promise.all([
    discovering,
    withCallDeadline(deadline, () =>
      reconcile(
        ctx,
        usable.map((d) => d.region),
      ),
    ),
  ]);
  const listingAbort = [...sources, ...listings].map((x) => x.error).find(isStopRun);
  if (listingAbort)
    return { work: empty, destinations: [], sources, locks: [], drills: [], abort: listingAbort };

  const inputs: DestinationInput[] = destinations.map((dest) => {
    const check = checks.find((c) => c.region === dest.region);
    const copies = listings.find((l) => l.region === dest.region);
    const input: DestinationInput = {
      dest,
      copies: copies ?? indexCopies(dest.region, policy.name, []),
    };
    if (check && !check.ok) {
      input.stopped = {
        errorCode: check.errorCode ?? 'PreflightFailed',
        message: check.message ?? '',
      };
    } else if (copies?.error) {
      input.stopped = {
        errorCode: copies.error.code,
        message: `copies in ${dest.region} could not be listed: ${copies.error.message}`,
      };
    }
    return input;
  });
  const lockAbort = await learnLocks(ctx, inputs);
  if (lockAbort)
    return { work: empty, destinations: [], sources, locks: [], drills: [], abort: lockAbort };
  ctx.emit({ type: 'phase', phase: 'plan' });
  const work = planWork({
    policy,
    now: ctx.now(),
    sources,
    destinations: inputs,
    shard: ctx.shard,
  });
  const locks = planLocks(work.items, inputs, ctx.now());
  const drills = planDrills(policy, inputs, ctx.now());
  notePlannedDrills(work.items, drills);
  const perDestination: Record<string, number> = {};
  for (const item of work.items) {
    if (item.action === 'copy')
      perDestination[item.destRegion] = (perDestination[item.destRegion] ?? 0) + 1;
  }
  ctx.emit({
    type: 'planned',
    perDestination,
    total: Object.values(perDestination).reduce((a, b) => a + b, 0),
  });
  return { work, destinations: inputs, sources, locks, drills };
}

/**
 * What a run would do, item by item with the reason, and the calls it would add. Writes
 * nothing: no copy, tag, deletion or record.
 */
export async function planPolicy(opts: PlanOptions): Promise<Plan> {
  const ctx = createContext(opts);
  const prepared = await prepare(ctx);
  if (prepared.abort) {
    throw new RunAbortedError(prepared.abort.code, describeCallError(prepared.abort), {
      cause: prepared.abort,
    });
  }
  const copies = prepared.work.items.filter((i) => i.action === 'copy').length;
  const prunes = prepared.work.items.filter((i) => i.action === 'prune').length;
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
    apiCalls: { made: ctx.counter.snapshot(), wouldMake },
    destinations: prepared.destinations.map(({ dest, stopped }) => ({
      region: dest.region,
      ok: !stopped,
      ...(stopped ? { errorCode: stopped.errorCode, message: stopped.message } : {}),
    })),
    sources: prepared.sources.map(({ region, error }) => ({
      region,
      ok: !error,
      ...(error ? { errorCode: error.code, message: error.message } : {}),
    })),
  };
}

/** Steps 2-8: one run of a policy. Resolves with the summary; records go to opts.sink. */
export async function runPolicy(opts: RunOptions): Promise<RunSummary> {
  const badRunId = runIdProblem(opts.runId);
  if (badRunId !== undefined) {
    await opts.sink.close().catch(() => {});
    throw new InvalidRunIdError(badRunId);
  }
  const now = opts.now ?? (() => new Date());
  const startedAt = now();
  const started = performance.now();
  const dryRun = opts.dryRun ?? false;
  const ctx = createContext({ ...opts, now });
  // Records of each selected (source, destination): the no-silent-skip check counts them.
  const decided = new Map<string, number>();
  const blocking = new BlockingCopies();
  const book = new RecordBook({
    sink: opts.sink,
    runId: opts.runId,
    policy: opts.policy.name,
    now,
    onItem: (record) => {
      const key = `${record.destRegion}|${record.sourceRegion}|${record.sourceSnapshotId}`;
      decided.set(key, (decided.get(key) ?? 0) + 1);
      blocking.observe(record);
    },
    dryRun,
  });
  const { policy } = opts;
  const stop = new StopState({
    now,
    deadline:
      opts.budgetMs === undefined
        ? undefined
        : startedAt.getTime() + opts.budgetMs * policy.limits.timeBudgetFraction,
    signal: opts.signal,
  });
  const listings = new Map<string, DestinationCopies>();
  const execOptions: ExecuteOptions = {
    ctx,
    book,
    stop,
    dryRun,
    destinations: policy.destinations,
    listings,
  };

  // Across deployments: the policy's run lease and the account's CopySnapshot quota share.
  const coordination =
    opts.coordination && !dryRun
      ? await coordinate({
          coordination: opts.coordination,
          policy: policy.name,
          runId: opts.runId,
          gate: ctx.copyGate,
          now,
          sleep: ctx.sleep,
          signal: opts.signal,
        })
      : undefined;
  if (coordination?.yielded)
    return yieldedRun(opts, book, startedAt, started, coordination.yielded);

  const deadlines = callDeadlines(started, opts.budgetMs, policy.limits.timeBudgetFraction);
  let prepared: Prepared;
  try {
    prepared = await withCallDeadline(deadlines.calls, () => prepare(ctx, deadlines.listing));
  } catch (error) {
    // A bug, not a cloud error: release the sink before the error goes up.
    await coordination?.end().catch(() => {});
    await opts.sink.close().catch(() => {});
    throw error;
  }
  for (const { dest, copies } of prepared.destinations) listings.set(dest.region, copies);
  let sourceFailures = 0;
  let incomplete = 0;
  let countMismatch = false;
  if (prepared.abort) {
    abortRun(execOptions, prepared.abort);
  } else {
    for (const source of prepared.sources) {
      if (!source.error) continue;
      sourceFailures += 1;
      book.alert(AlertKind.SourceUnavailable, {
        sourceRegion: source.region,
        errorCode: source.error.code,
        message: `snapshots in ${source.region} could not be listed: ${source.error.message}`,
      });
    }
    for (const { dest, stopped } of prepared.destinations) {
      if (stopped) stopDestination(execOptions, dest.region, stopped.errorCode, stopped.message);
    }
    incomplete = alertIncompleteListings(book, prepared);
    for (const breach of prepared.work.rpoBreaches) {
      book.alert(AlertKind.RpoBreach, {
        destRegion: breach.destRegion,
        sourceRegion: breach.sourceRegion,
        diskId: breach.diskId,
        message: `newest recovery point of ${breach.diskId} in ${breach.destRegion} is ${breach.hours.toFixed(1)} h old (RPO ${breach.rpoHours} h)${breach.copySnapshotId ? `: ${breach.copySnapshotId}` : ': no completed copy'}`,
      });
    }
    for (const stale of prepared.work.staleSources ?? []) {
      book.alert(AlertKind.SourceStale, {
        destRegion: stale.destRegion,
        sourceRegion: stale.sourceRegion,
        diskId: stale.diskId,
        message: `${stale.diskId} in ${stale.sourceRegion} produced no snapshot in the lookback window: its newest recovery point in ${stale.destRegion} (${stale.copySnapshotId}) is ${stale.hours.toFixed(1)} h old (RPO ${stale.rpoHours} h). Check the disk's snapshot policy, or list it in source.retiredDisks if it was decommissioned`,
      });
    }
    for (const { dest, locksUnknown } of prepared.destinations) {
      if (!locksUnknown) continue;
      book.alert(AlertKind.CopyUnlocked, {
        destRegion: dest.region,
        errorCode: locksUnknown.errorCode,
        message: `${locksUnknown.message}: no copy is locked or pruned there this run`,
      });
    }
    // Completed copies are locked before their completion is recorded (the record says so).
    if (!dryRun) await lockCopies(execOptions, prepared.locks);
    // Decisions that need no call are recorded first; then copies, then pruning.
    for (const item of prepared.work.items) {
      if (
        item.action === 'copy' ||
        item.action === 'prune' ||
        item.action === 'keep' ||
        item.waitsForThisRun
      ) {
        continue;
      }
      recordItem(execOptions, item, {
        outcome: item.outcome,
        attempts: 0,
        durationMs: 0,
        message: item.recordMessage ?? item.reason,
        ...(item.copySnapshotId ? { copySnapshotId: item.copySnapshotId } : {}),
        ...(item.errorCode ? { errorCode: item.errorCode } : {}),
        ...(item.lockedUntil ? { lockedUntil: item.lockedUntil } : {}),
      });
    }
    ctx.emit({ type: 'phase', phase: 'execute' });
    await withCallDeadline(deadlines.calls, () => execute(execOptions, prepared.work.items));
    for (const item of prepared.work.items) {
      if (item.waitsForThisRun === undefined) continue;
      recordItem(execOptions, item, {
        outcome: item.outcome,
        attempts: 0,
        durationMs: 0,
        ...blocking.waitingRecord(item, item.waitsForThisRun, dryRun),
      });
    }
    // Drills before prune: a copy a drill disk still comes from is not pruned (SnapshotCreatedDisk).
    const drilled = await withCallDeadline(deadlines.calls, () =>
      runDrills(execOptions, prepared.destinations, prepared.drills, opts.runId),
    );
    const prunable = deferBlockedPrunes(execOptions, prepared.work.items, drilled);
    ctx.emit({ type: 'phase', phase: 'prune' });
    await withCallDeadline(deadlines.calls, () => prune(execOptions, prunable));
    countMismatch = checkOutcomeCounts(book, prepared, decided);
  }

  ctx.emit({ type: 'phase', phase: 'record' });
  let unmarked: MarkReportedResult = { unmarked: 0, errorCodes: [] };
  if (!dryRun && !prepared.abort) {
    // Completion records must be durable before the copies are tagged as reported.
    await book.flush();
    // Not when the records were lost: the next run must record these completions again.
    if (!book.writeFailed) {
      unmarked = await withCallDeadline(deadlines.calls, () =>
        markReported(execOptions, prepared.work.items),
      );
    }
  }
  await coordination?.end().catch(() => {});
  const finishedAt = now();
  const durationMs = Math.round(performance.now() - started);
  const exitCode = stop.aborted
    ? ExitCode.Aborted
    : book.totals[Outcome.Failed] > 0 ||
        book.totals[Outcome.RestoreFailed] > 0 ||
        stop.destinations.size > 0 ||
        sourceFailures > 0 ||
        incomplete > 0 ||
        countMismatch ||
        book.writeFailed
      ? ExitCode.ItemsFailed
      : ExitCode.Ok;
  const apiCalls = ctx.counter.snapshot();
  const message = [runMessage(book, stop, dryRun, unmarked), ...(coordination?.notes ?? [])].join(
    '; ',
  );
  await book.finish({
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs,
    exitCode,
    apiCalls,
    message,
    ...(stop.aborted ? { errorCode: stop.aborted.errorCode } : {}),
  });
  // The run record itself may be what the store refused: kept, so exit 1, not 0.
  const finalExit =
    book.recordsPending > 0 && exitCode === ExitCode.Ok ? ExitCode.ItemsFailed : exitCode;
  return {
    runId: opts.runId,
    policy: policy.name,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs,
    dryRun,
    totals: { ...book.totals },
    destinations: policy.destinations
      .filter((d) => inShard(opts.shard?.destRegions, d.region))
      .map((d) => {
        const stopped = stop.destinations.get(d.region);
        return {
          region: d.region,
          counts: { ...(book.perDestination.get(d.region) ?? emptyCounts()) },
          ...(stopped ? { stopped } : {}),
        };
      }),
    apiCalls,
    exitCode: finalExit,
    ...(stop.aborted ? { aborted: { ...stop.aborted } } : {}),
    ...(book.recordsPending > 0 ? { recordsPending: book.recordsPending } : {}),
  };
}

/** Another run holds the policy's lease: one run record says so; no call, exit 0. */
async function yieldedRun(
  opts: RunOptions,
  book: RecordBook,
  startedAt: Date,
  started: number,
  holder: Claim,
): Promise<RunSummary> {
  const since = new Date(holder.startedAt).toISOString();
  const expiresAt = new Date(holder.expiresAt).toISOString();
  const finishedAt = (opts.now ?? (() => new Date()))();
  const durationMs = Math.round(performance.now() - started);
  await book.finish({
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs,
    exitCode: ExitCode.Ok,
    apiCalls: {},
    errorCode: Code.Yielded,
    message: `yielded: ${opts.policy.name} is being run by ${holder.holder} since ${since}; its lease expires at ${expiresAt} unless renewed`,
  });
  return {
    runId: opts.runId,
    policy: opts.policy.name,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs,
    dryRun: false,
    totals: { ...book.totals },
    destinations: [],
    apiCalls: {},
    exitCode: ExitCode.Ok,
    yielded: { runId: holder.holder, since, expiresAt },
  };
}

/** One listing-incomplete alert per listing that may be truncated: nothing is pruned then. */
function alertIncompleteListings(book: RecordBook, prepared: Prepared): number {
  let n = 0;
  for (const source of prepared.sources) {
    if (!source.truncated) continue;
    n += 1;
    book.alert(AlertKind.ListingIncomplete, {
      sourceRegion: source.region,
      message: `the snapshot listing of ${source.region} may be truncated (a tag query reached its documented 1,000-result cap): snapshots may be missing from this run, and nothing is pruned`,
    });
  }
  for (const { dest, copies } of prepared.destinations) {
    if (!copies.truncated) continue;
    n += 1;
    book.alert(AlertKind.ListingIncomplete, {
      destRegion: dest.region,
      message: `the copy listing of ${dest.region} may be truncated (a tag query reached its documented 1,000-result cap): copies may be missing, and nothing is pruned there`,
    });
  }
  return n;
}

/**
 * No silent skip: every snapshot the selector matched (copyable or not) must have exactly one
 * decision record per destination this run. Failed earlier copies and prunes add records of
 * their own, so the check counts the primary items' keys, then that each got a record.
 */
function checkOutcomeCounts(
  book: RecordBook,
  prepared: Prepared,
  decided: ReadonlyMap<string, number>,
): boolean {
  const expected = new Set<string>();
  const regions = prepared.destinations.map((d) => d.dest.region);
  for (const source of prepared.sources) {
    if (source.error) continue;
    for (const s of [...source.snapshots, ...source.excluded.map((e) => e.snapshot)]) {
      for (const region of regions) expected.add(`${region}|${s.regionId}|${s.snapshotId}`);
    }
  }
  const silent: string[] = [];
  for (const key of expected) if ((decided.get(key) ?? 0) === 0) silent.push(key);
  let primaries = 0;
  for (const item of prepared.work.items) if (item.primary) primaries += 1;
  if (silent.length === 0 && primaries === expected.size) return false;
  book.alert(AlertKind.OutcomeCountMismatch, {
    message: `${expected.size} (snapshot, destination) pairs were selected but ${primaries} decisions were planned and ${silent.length} got no record (first: ${silent.slice(0, 5).join(', ') || 'none'}): report this as a bug`,
  });
  return true;
}

function emptyCounts(): Record<Outcome, number> {
  return Object.fromEntries(Object.values(Outcome).map((o) => [o, 0])) as Record<Outcome, number>;
}

function runMessage(
  book: RecordBook,
  stop: StopState,
  dryRun: boolean,
  unmarked: MarkReportedResult,
): string {
  const t = book.totals;
  const parts = [
    `${dryRun ? 'dry run: ' : ''}${t.started} started, ${t.completed} completed, ${t['in-progress']} in progress, ${t['already-copied']} already copied, ${t.deferred} deferred, ${t.skipped} skipped, ${t.failed} failed, ${t.pruned} pruned`,
  ];
  if (t.restored || t['restore-failed']) {
    parts.push(`restore drills: ${t.restored} restored, ${t['restore-failed']} failed`);
  }
  if (stop.aborted) parts.push(`aborted: ${stop.aborted.message}`);
  for (const [region, why] of stop.destinations) parts.push(`${region} stopped: ${why.errorCode}`);
  if (unmarked.unmarked > 0) {
    const codes = unmarked.errorCodes.length > 0 ? ` (${unmarked.errorCodes.join(', ')})` : '';
    parts.push(
      `${unmarked.unmarked} finished copies could not be tagged as reported${codes}: the next run records them again`,
    );
  }
  return parts.join('; ');
}
