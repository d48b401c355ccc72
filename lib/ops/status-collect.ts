import { CloudApiError } from '../cloud/errors.ts';
import { Code } from '../codes.ts';
import { CopyVerdict, provenanceOf } from '../domain/provenance.ts';
import { listPolicySnapshots } from '../engine/reconcile.ts';
import { createPlanSession, type PlanSession } from '../engine/session.ts';
import type { EngineTuning } from '../engine/types.ts';
import { parseSchedule } from '../policy/cron.ts';
import type { Policy } from '../policy/schema.ts';
import type { CloudClients, Snapshot } from '../ports.ts';
import { StatusUnavailableError } from './errors.ts';
import { checkHeartbeat, HEARTBEAT_TOLERANCE, HeartbeatState } from './heartbeat.ts';
import type { RecordSource } from './record-source.ts';
import { scheduleIntervalMs } from './schedule.ts';
import { readLocks } from './status-locks.ts';
import { attachLocks, buildStatusReport, newestRun, type StatusReport } from './status-model.ts';
import { lookupSourceTimes } from './status-sources.ts';
import { HOUR_MS } from './status-time.ts';

export interface CollectStatusOptions {
  policy: Policy;
  /** The cloud; every call goes through the engine's limiter and retries. */
  cloud: CloudClients;
  tuning?: EngineTuning;
  /** Undefined when the policy logs to stdout: no history, heartbeat unknown. */
  records: RecordSource | undefined;
  now: Date;
}

/**
 * Gathers what `status` reports: the policy's copies in every destination (the cloud is the
 * state store) and its recent records (for runs, failures and the heartbeat), then builds the
 * report. A listing that fails makes the whole status fail: a partial grid would show disks as
 * unprotected, or hide them.
 */
export async function collectStatus(options: CollectStatusOptions): Promise<StatusReport> {
  const { policy, now } = options;
  const ctx = createPlanSession({
    policy,
    cloud: options.cloud,
    now: () => now,
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });
  const intervalMs = scheduleIntervalMs(parseSchedule(policy.schedule));
  const from = new Date(now.getTime() - historyWindowMs(policy, intervalMs));

  // The source lookup follows the listing and overlaps the log store read. A log store that
  // fails does not fail `status`: in an incident it is what the cloud shows that matters, so the
  // grid is built from the copies alone under a "log store unavailable" banner.
  let logStoreError: string | undefined;
  const [[copies, sources], records] = await Promise.all([
    Promise.all(policy.destinations.map((d) => listCopies(ctx, d.region))).then(async (x) => {
      const listed = x.flat();
      return [listed, await lookupSourceTimes(ctx, listed)] as const;
    }),
    options.records === undefined
      ? Promise.resolve([])
      : readRecords(options.records, from, now).catch((error: unknown) => {
          if (!(error instanceof StatusUnavailableError)) throw error;
          logStoreError = error.message;
          return [];
        }),
  ]);

  const last = newestRun(records);
  const heartbeat =
    logStoreError === undefined
      ? checkHeartbeat({
          intervalMs,
          now,
          historyAvailable: options.records !== undefined,
          searchedFrom: from,
          ...(last === undefined
            ? {}
            : { lastRun: { runId: last.runId, finishedAt: last.finishedAt } }),
        })
      : {
          state: HeartbeatState.Unknown,
          intervalMs,
          message: `log store unavailable, so no run history can be checked: ${logStoreError}`,
        };
  const inputs = { policy, copies, sources, records, heartbeat, now };
  const report = buildStatusReport(inputs);
  // Lock state only of the copies the grid shows (each cell's newest), known once it is built.
  if (policy.destinations.some((d) => d.lock !== undefined)) {
    attachLocks(report, inputs, await readLocks(ctx, policy, report.cells));
  }
  return logStoreError === undefined
    ? report
    : { ...report, logStore: { available: false, message: logStoreError } };
}

/**
 * How far back to read records: long enough that a missing run record means a missed
 * heartbeat, and that failures within the RPO and the lookback window are still visible.
 */
export function historyWindowMs(policy: Policy, intervalMs: number): number {
  const maxRpoMs = Math.max(...policy.destinations.map((d) => d.rpoHours)) * HOUR_MS;
  return Math.max(
    (HEARTBEAT_TOLERANCE + 1) * intervalMs,
    2 * maxRpoMs,
    policy.source.lookbackHours * HOUR_MS,
  );
}

/**
 * This policy's copies in one destination (all statuses), by the same listing and provenance
 * rule as a run: complete past the 1,000-result tag cap; snapshots with our tags that ECS does
 * not report as our copies are left out.
 */
async function listCopies(ctx: PlanSession, regionId: string): Promise<Snapshot[]> {
  try {
    const listing = await listPolicySnapshots(ctx, regionId);
    if (listing.truncated) {
      throw new StatusUnavailableError(
        Code.StatusUnavailable,
        `the copy listing of ${regionId} may be truncated (tag query at its 1,000-result cap): a partial grid would hide disks`,
      );
    }
    return listing.snapshots.filter(
      (s) => provenanceOf(s, ctx.policy.name).verdict === CopyVerdict.Ours,
    );
  } catch (error) {
    if (error instanceof StatusUnavailableError) throw error;
    if (!(error instanceof CloudApiError)) throw error;
    throw new StatusUnavailableError(
      Code.StatusUnavailable,
      `cannot list the copies in ${regionId}: ${error.message}`,
      { cause: error },
    );
  }
}

async function readRecords(source: RecordSource, from: Date, to: Date) {
  try {
    return await source.read({ from, to });
  } catch (error) {
    if (error instanceof StatusUnavailableError) throw error;
    throw new StatusUnavailableError(
      Code.StatusUnavailable,
      `cannot read the log store: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
