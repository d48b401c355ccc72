import type { RunSummary } from '../engine/types.ts';

/** One JSON line per scheduled run on stdout: what a supervisor or log shipper watches. */
export interface HealthLine {
  kind: 'health';
  time: string;
  policy: string;
  runId: string;
  /** 0 ok, 1 some items failed, 3 aborted (as `run`). */
  exitCode: number;
  durationMs: number;
  totals: RunSummary['totals'] | Record<string, never>;
  apiCalls: Record<string, number>;
  destinationsStopped: { region: string; errorCode: string }[];
  aborted?: { errorCode: string; message: string };
  /** Alert records the run wrote, by kind (rpo-breach, destination-stopped...). */
  alerts: Record<string, number>;
  /** The run was cut short by a shutdown (SIGTERM). */
  interrupted?: boolean;
}

export function healthLineFromSummary(
  summary: RunSummary,
  extra: { alerts: Record<string, number>; interrupted?: boolean; now: Date },
): HealthLine {
  const line: HealthLine = {
    kind: 'health',
    time: extra.now.toISOString(),
    policy: summary.policy,
    runId: summary.runId,
    exitCode: summary.exitCode,
    durationMs: summary.durationMs,
    totals: summary.totals,
    apiCalls: summary.apiCalls,
    destinationsStopped: summary.destinations
      .filter((d) => d.stopped !== undefined)
      .map((d) => ({ region: d.region, errorCode: d.stopped?.errorCode ?? '' })),
    alerts: { ...extra.alerts },
  };
  if (summary.aborted !== undefined) line.aborted = summary.aborted;
  if (extra.interrupted) line.interrupted = true;
  return line;
}

/** The health line of a run that ended without a summary (aborted before one existed). */
export function healthLineFromFailure(args: {
  policy: string;
  runId: string;
  exitCode: number;
  errorCode: string;
  message: string;
  startedAt: Date;
  now: Date;
  alerts: Record<string, number>;
}): HealthLine {
  return {
    kind: 'health',
    time: args.now.toISOString(),
    policy: args.policy,
    runId: args.runId,
    exitCode: args.exitCode,
    durationMs: args.now.getTime() - args.startedAt.getTime(),
    totals: {},
    apiCalls: {},
    destinationsStopped: [],
    alerts: { ...args.alerts },
    aborted: { errorCode: args.errorCode, message: args.message },
  };
}
