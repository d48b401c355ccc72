import type { EcsApi, Snapshot } from '../cloud/ports.ts';
import { parseSchedule } from '../policy/cron.ts';
import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { Policy } from '../policy/schema.ts';
import { OpsErrorCode, StatusUnavailableError } from './errors.ts';
import { checkHeartbeat, HEARTBEAT_TOLERANCE } from './heartbeat.ts';
import type { RecordSource } from './record-source.ts';
import { scheduleIntervalMs } from './schedule.ts';
import { buildStatusReport, newestRun, type StatusReport } from './status-model.ts';
import { lookupSourceTimes } from './status-sources.ts';

const HOUR_MS = 3_600_000;
/** DescribeSnapshots page size: the API maximum. */
const PAGE_SIZE = 100;

export interface CollectStatusOptions {
  policy: Policy;
  ecs: EcsApi;
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
  const { policy, ecs, now } = options;
  const intervalMs = scheduleIntervalMs(parseSchedule(policy.schedule));
  const from = new Date(now.getTime() - historyWindowMs(policy, intervalMs));

  // The source lookup follows the listing and overlaps the log store read.
  const [[copies, sources], records] = await Promise.all([
    Promise.all(policy.destinations.map((d) => listCopies(ecs, d.region, policy.name))).then(
      async (x) => {
        const listed = x.flat();
        return [listed, await lookupSourceTimes(ecs, listed)] as const;
      },
    ),
    options.records === undefined ? Promise.resolve([]) : readRecords(options.records, from, now),
  ]);

  const last = newestRun(records);
  const heartbeat = checkHeartbeat({
    intervalMs,
    now,
    historyAvailable: options.records !== undefined,
    searchedFrom: from,
    ...(last === undefined ? {} : { lastRun: { runId: last.runId, finishedAt: last.finishedAt } }),
  });
  return buildStatusReport({ policy, copies, sources, records, heartbeat, now });
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

/** Every copy of this policy in one destination (all statuses), by the provenance tag. */
async function listCopies(ecs: EcsApi, regionId: string, policyName: string): Promise<Snapshot[]> {
  const copies: Snapshot[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await ecs.describeSnapshots(
        {
          regionId,
          status: 'all',
          tags: { [PROVENANCE_TAG_KEYS.policy]: policyName },
          maxResults: PAGE_SIZE,
        },
        nextToken,
      );
      copies.push(...page.snapshots);
      nextToken = page.nextToken || undefined;
    } while (nextToken !== undefined);
  } catch (error) {
    throw new StatusUnavailableError(
      OpsErrorCode.StatusUnavailable,
      `cannot list the copies in ${regionId}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return copies;
}

async function readRecords(source: RecordSource, from: Date, to: Date) {
  try {
    return await source.read({ from, to });
  } catch (error) {
    if (error instanceof StatusUnavailableError) throw error;
    throw new StatusUnavailableError(
      OpsErrorCode.StatusUnavailable,
      `cannot read the log store: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
