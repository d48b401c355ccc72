import type { LogRecord, RunRecord } from '../records/types.ts';
import { type RunEntry, TIMELINE_RUNS } from './status-report.ts';
import { ms } from './status-time.ts';

/** The run history: the timeline status shows and the newest run the heartbeat judges. */

export function timeline(records: readonly LogRecord[]): RunEntry[] {
  return records
    .filter((r): r is RunRecord => r.kind === 'run')
    .sort((a, b) => ms(b.finishedAt) - ms(a.finishedAt))
    .slice(0, TIMELINE_RUNS)
    .map((r) => ({
      runId: r.runId,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      durationMs: r.durationMs,
      exitCode: r.exitCode,
      totals: r.totals,
      message: r.message,
      ...(r.errorCode === undefined ? {} : { errorCode: r.errorCode }),
    }));
}

/** The newest run record: what the heartbeat is checked against. */
export function newestRun(records: readonly LogRecord[]): RunRecord | undefined {
  return records
    .filter((r): r is RunRecord => r.kind === 'run')
    .sort((a, b) => ms(b.finishedAt) - ms(a.finishedAt))[0];
}
