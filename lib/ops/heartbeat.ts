import { formatDuration } from './schedule.ts';

/** A run is overdue once this many schedule intervals pass without one. */
export const HEARTBEAT_TOLERANCE = 2;

export const HeartbeatState = {
  Ok: 'ok',
  Missed: 'missed',
  /** The policy logs to stdout: there is no history to check against. */
  Unknown: 'unknown',
} as const;
export type HeartbeatState = (typeof HeartbeatState)[keyof typeof HeartbeatState];

export interface HeartbeatStatus {
  state: HeartbeatState;
  /** When the newest recorded run finished. */
  lastRunAt?: string;
  lastRunId?: string;
  /** The longest gap between scheduled runs. */
  intervalMs: number;
  /** The next run must be recorded before this, or the heartbeat is missed. */
  dueBy?: string;
  message: string;
}

export interface HeartbeatInput {
  /** Newest run record, if any was found in the log store. */
  lastRun?: { runId: string; finishedAt: string };
  intervalMs: number;
  now: Date;
  /** False when the policy keeps no readable log (stdout). */
  historyAvailable: boolean;
  /** How far back the log store was searched; a missing run is reported against it. */
  searchedFrom: Date;
}

/** "No run within 2x the schedule": the check `status` makes from the newest run record. */
export function checkHeartbeat(input: HeartbeatInput): HeartbeatStatus {
  const { intervalMs, now } = input;
  const allowedMs = intervalMs * HEARTBEAT_TOLERANCE;
  if (!input.historyAvailable) {
    return {
      state: HeartbeatState.Unknown,
      intervalMs,
      message: 'the policy logs to stdout, so no run history can be checked',
    };
  }
  if (input.lastRun === undefined) {
    return {
      state: HeartbeatState.Missed,
      intervalMs,
      message: `no run recorded since ${input.searchedFrom.toISOString()} (expected one every ${formatDuration(intervalMs)})`,
    };
  }
  const last = new Date(input.lastRun.finishedAt);
  const dueBy = new Date(last.getTime() + allowedMs);
  const base = { lastRunAt: last.toISOString(), lastRunId: input.lastRun.runId, intervalMs };
  if (now.getTime() > dueBy.getTime()) {
    return {
      ...base,
      state: HeartbeatState.Missed,
      dueBy: dueBy.toISOString(),
      message: `no run for ${formatDuration(now.getTime() - last.getTime())}; expected one every ${formatDuration(intervalMs)}`,
    };
  }
  return {
    ...base,
    state: HeartbeatState.Ok,
    dueBy: dueBy.toISOString(),
    message: `last run ${formatDuration(now.getTime() - last.getTime())} ago`,
  };
}
