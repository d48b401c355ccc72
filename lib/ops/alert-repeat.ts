import type { AlertRecord, LogRecord } from '../records/types.ts';

/** How often a standing alert is posted again while nothing about it changes. */
export const DEFAULT_RENOTIFY_MS = 24 * 3_600_000;

/** What an alert is about: the same kind for the same disk and destination is the same alert. */
function subject(alert: AlertRecord): string {
  return [
    alert.policy,
    alert.alert,
    alert.sourceRegion ?? '',
    alert.destRegion ?? '',
    alert.diskId ?? '',
    alert.errorCode ?? '',
  ].join('\u0000');
}

export interface RepeatFilter {
  /** Alerts to write and post: new subjects, and those last alerted renotifyMs ago or more. */
  fresh: AlertRecord[];
  /** Alerts left out because the same one was recorded within renotifyMs. */
  repeated: AlertRecord[];
}

/**
 * Alert hygiene without a database: the log store already holds every alert written, so an
 * alert whose subject (kind, policy, source, destination, disk, error code) was recorded less
 * than `renotifyMs` ago is not written or posted again. A breach of another disk, another
 * destination or another kind is new and goes out at once; a standing one is repeated once
 * per interval, so it is not forgotten either. Dry-run records never reach `history`.
 */
export function withoutRepeats(
  alerts: readonly AlertRecord[],
  history: readonly LogRecord[],
  options: { now: Date; renotifyMs: number },
): RepeatFilter {
  const since = options.now.getTime() - options.renotifyMs;
  const recent = new Set(
    history
      .filter((r): r is AlertRecord => r.kind === 'alert' && Date.parse(r.time) > since)
      .map(subject),
  );
  const fresh: AlertRecord[] = [];
  const repeated: AlertRecord[] = [];
  for (const alert of alerts) (recent.has(subject(alert)) ? repeated : fresh).push(alert);
  return { fresh, repeated };
}
