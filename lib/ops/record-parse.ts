import {
  type AlertKind,
  AlertKind as AlertKinds,
  type AlertRecord,
  type ItemRecord,
  type LogRecord,
  Outcome,
  type RunRecord,
} from '../records/types.ts';

/**
 * Reads a record back from the log store. SLS contents are all strings and a JSON-lines file
 * may hold numbers and objects, so every field is accepted in either form. A line that is not
 * one of our records (another writer, a truncated line) yields undefined and is ignored, and
 * so does a dry run's record (`dryRun: "true"`): a rehearsal is neither a run nor an alert.
 */
export function parseLogRecord(raw: Record<string, unknown>): LogRecord | undefined {
  if (String(raw.dryRun) === 'true') return undefined;
  const kind = str(raw.kind);
  const runId = str(raw.runId);
  const policy = str(raw.policy);
  const time = str(raw.time) ?? str(raw.finishedAt);
  if (runId === undefined || policy === undefined || time === undefined) return undefined;
  // accountId: organisation fan-out stamps the member account on every record.
  const accountId = str(raw.accountId);
  const base = { runId, policy, time, ...(accountId === undefined ? {} : { accountId }) };
  switch (kind) {
    case 'item':
      return parseItem(raw, base);
    case 'run':
      return parseRun(raw, base);
    case 'alert':
      return parseAlert(raw, base);
    default:
      return undefined;
  }
}

/** Parses one JSON line; undefined when it is not a JSON object or not a record. */
export function parseLogLine(line: string): LogRecord | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isObject(value) ? parseLogRecord(value) : undefined;
  } catch {
    return undefined;
  }
}

type Base = Pick<ItemRecord, 'runId' | 'policy' | 'time' | 'accountId'>;

const OUTCOMES = new Set<string>(Object.values(Outcome));
const ALERT_KINDS = new Set<string>(Object.values(AlertKinds));

function parseItem(raw: Record<string, unknown>, base: Base): ItemRecord | undefined {
  const outcome = str(raw.outcome);
  const sourceSnapshotId = str(raw.sourceSnapshotId);
  const destRegion = str(raw.destRegion);
  if (outcome === undefined || !OUTCOMES.has(outcome)) return undefined;
  if (sourceSnapshotId === undefined || destRegion === undefined) return undefined;
  return {
    ...base,
    kind: 'item',
    sourceRegion: str(raw.sourceRegion) ?? '',
    sourceSnapshotId,
    diskId: str(raw.diskId) ?? '',
    destRegion,
    outcome: outcome as ItemRecord['outcome'],
    attempts: num(raw.attempts) ?? 0,
    durationMs: num(raw.durationMs) ?? 0,
    message: str(raw.message) ?? '',
    ...optional('copySnapshotId', str(raw.copySnapshotId)),
    ...optional('errorCode', str(raw.errorCode)),
    ...optional('requestId', str(raw.requestId)),
    ...optional('lockedUntil', str(raw.lockedUntil)),
    ...optional('drillDiskId', str(raw.drillDiskId)),
    ...optional('recoveryPoint', str(raw.recoveryPoint)),
  };
}

function parseRun(raw: Record<string, unknown>, base: Base): RunRecord {
  const finishedAt = str(raw.finishedAt) ?? base.time;
  return {
    ...base,
    kind: 'run',
    startedAt: str(raw.startedAt) ?? finishedAt,
    finishedAt,
    durationMs: num(raw.durationMs) ?? 0,
    exitCode: num(raw.exitCode) ?? 0,
    totals: counts(raw.totals) as RunRecord['totals'],
    apiCalls: counts(raw.apiCalls),
    message: str(raw.message) ?? '',
    ...optional('errorCode', str(raw.errorCode)),
  };
}

function parseAlert(raw: Record<string, unknown>, base: Base): AlertRecord | undefined {
  const alert = str(raw.alert);
  if (alert === undefined || !ALERT_KINDS.has(alert)) return undefined;
  return {
    ...base,
    kind: 'alert',
    alert: alert as AlertKind,
    message: str(raw.message) ?? '',
    ...optional('destRegion', str(raw.destRegion)),
    ...optional('sourceRegion', str(raw.sourceRegion)),
    ...optional('diskId', str(raw.diskId)),
    ...optional('errorCode', str(raw.errorCode)),
  };
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Totals and API call counts: an object, or its JSON text as SLS stores it. */
function counts(value: unknown): Record<string, number> {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return {};
    }
  }
  if (!isObject(parsed)) return {};
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(parsed)) {
    const n = num(v);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
