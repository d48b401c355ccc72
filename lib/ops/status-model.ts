import { ageHours, PointFrom, recoveryPoint } from '../domain/recovery-point.ts';
import { drillMark } from '../engine/restore-drill.ts';
import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { Snapshot } from '../ports.ts';
import type { AlertRecord, ItemRecord, LogRecord, Outcome, RunRecord } from '../records/types.ts';
import { HeartbeatState, type HeartbeatStatus } from './heartbeat.ts';
import { pointOf, recoveryPointMs, type SourceTimes, sourceOf } from './status-sources.ts';

export const RpoState = {
  /** Newest recovery point (source snapshot time of a completed copy) is well within the RPO. */
  Healthy: 'healthy',
  /** Within the RPO but past AT_RISK_FRACTION of it: the next missed run breaches. */
  AtRisk: 'at-risk',
  /** Newest recovery point is older than the RPO. */
  Breached: 'breached',
  /**
   * No completed copy yet, but the first attempt is younger than the RPO (a disk just added
   * to the policy, its first full copy in flight): not a breach yet.
   */
  Pending: 'pending',
  /** No completed copy, and the first attempt is older than the RPO: no recovery point. */
  NoCopy: 'no-copy',
} as const;
export type RpoState = (typeof RpoState)[keyof typeof RpoState];

/** Fraction of the RPO after which a cell shows as at risk. */
export const AT_RISK_FRACTION = 0.75;
/** Item outcomes that show the engine tried to copy a disk to a destination. */
const ATTEMPTS = new Set<string>([
  'started',
  'in-progress',
  'deferred',
  'failed',
  'completed',
  'already-copied',
]);

/** Runs shown in the timeline. */
export const TIMELINE_RUNS = 20;

export interface CopyRef {
  snapshotId: string;
  sourceSnapshotId?: string;
  /** Copy creation time in the destination (ISO). */
  createdAt: string;
}

/** Where a cell's recovery point time comes from. */
export const RecoveryPointFrom = {
  /** The CreationTime of the source snapshot the copy was made from: what a restore gets. */
  SourceSnapshot: 'source-snapshot',
  /** The source is gone, but the copy carries the source time this product wrote when copying. */
  SourceTimeTag: 'source-time-tag',
  /** The source snapshot is gone (or its region did not answer): the copy's own CreationTime. */
  CopyTime: 'copy-time',
} as const;
export type RecoveryPointFrom = (typeof RecoveryPointFrom)[keyof typeof RecoveryPointFrom];

/** The completed copy holding a cell's newest recovery point, and why its age is what it is. */
export interface NewestCopy extends CopyRef {
  /** When the copy was made in the destination (same as createdAt). */
  copyTime: string;
  /** The point in time a restore from this copy returns the disk to. */
  recoveryPointTime: string;
  recoveryPointFrom: RecoveryPointFrom;
  /** Set when the recovery point fell back to the copy time: why. */
  recoveryPointNote?: string;
  /** Hours since recoveryPointTime: what the RPO is checked against, as the engine does. */
  ageHours: number;
}

export interface StatusCell {
  diskId: string;
  sourceRegion: string;
  destRegion: string;
  rpoHours: number;
  state: RpoState;
  newestCopy?: NewestCopy;
  /** Without a completed copy: when the first copy of the disk here was attempted. */
  firstAttemptAt?: string;
  inFlight: (CopyRef & { progress: number })[];
  lastFailure?: { time: string; errorCode?: string; message: string; snapshotId?: string };
}

export interface DestinationStatus {
  region: string;
  rpoHours: number;
  /** The newest destination-stopped alert (KMS key disabled, quota...), if any. */
  lastStop?: { time: string; errorCode?: string; message: string };
  /**
   * Tested RPO: the newest recovery point here that a restore drill restored (read from the
   * drill mark on the copy), and its age. Absent: no copy here is restore-tested.
   */
  tested?: { snapshotId: string; recoveryPointTime: string; ageHours: number; drilledAt: string };
}

export interface RunEntry {
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  exitCode: number;
  totals: Partial<Record<Outcome, number>>;
  errorCode?: string;
  message: string;
}

export interface StatusReport {
  policy: string;
  generatedAt: string;
  destinations: DestinationStatus[];
  /** Every (disk, destination) pair, disks sorted by id, destinations in policy order. */
  cells: StatusCell[];
  heartbeat: HeartbeatStatus;
  /** Newest first. */
  runs: RunEntry[];
  summary: Record<RpoState, number> & { cells: number; inFlight: number };
  /** True when every cell is within the RPO and the heartbeat is not missed. */
  ok: boolean;
  /**
   * Set when the log store could not be read: the grid is what the cloud shows, without run
   * history, failures from records or the heartbeat.
   */
  logStore?: { available: false; message: string };
}

export interface StatusInputs {
  policy: { name: string; destinations: readonly { region: string; rpoHours: number }[] };
  /** This policy's copies across its destinations (DescribeSnapshots by the policy tag). */
  copies: readonly Snapshot[];
  /**
   * Source snapshot times of the newest copies (lookupSourceTimes). Without it, or for a
   * source not found, a copy's recovery point is its own CreationTime.
   */
  sources?: SourceTimes;
  /** Records read back from the log store, any order. */
  records: readonly LogRecord[];
  heartbeat: HeartbeatStatus;
  now: Date;
}

const HOUR_MS = 3_600_000;

/** Builds the report from plain data: no I/O, so every rule here is testable on its own. */
export function buildStatusReport(input: StatusInputs): StatusReport {
  const { policy, now } = input;
  const destinations = policy.destinations.map((d) => ({ region: d.region, rpoHours: d.rpoHours }));
  const destRegions = new Set(destinations.map((d) => d.region));
  const copies = input.copies.filter((c) => destRegions.has(c.regionId));
  const records = input.records.filter((r) => r.policy === policy.name);
  const items = records.filter((r): r is ItemRecord => r.kind === 'item');
  const disks = collectDisks(copies, items);
  const sources: SourceTimes = input.sources ?? { found: new Map(), unreachable: new Set() };

  // Indexed once: per-cell filters over every copy and record made status quadratic.
  const copiesByCell = groupBy(copies, (c) => `${c.regionId}\u0000${diskOf(c) ?? ''}`);
  const attemptsByCell = groupBy(
    items.filter((r) => ATTEMPTS.has(r.outcome)),
    (r) => `${r.destRegion}\u0000${r.diskId}`,
  );
  const cells: StatusCell[] = [];
  for (const [diskId, sourceRegion] of [...disks].sort(([a], [b]) => a.localeCompare(b))) {
    for (const dest of destinations) {
      const key = `${dest.region}\u0000${diskId}`;
      const here = copiesByCell.get(key) ?? [];
      const attempts = attemptsByCell.get(key) ?? [];
      cells.push(buildCell({ diskId, sourceRegion, dest, copies: here, attempts, sources, now }));
    }
  }

  const summary = {
    cells: cells.length,
    inFlight: cells.reduce((n, c) => n + c.inFlight.length, 0),
    [RpoState.Healthy]: 0,
    [RpoState.AtRisk]: 0,
    [RpoState.Breached]: 0,
    [RpoState.Pending]: 0,
    [RpoState.NoCopy]: 0,
  };
  for (const cell of cells) summary[cell.state] += 1;

  return {
    policy: policy.name,
    generatedAt: now.toISOString(),
    destinations: destinations.map((d) => withTested(withLastStop(d, records), copies, now)),
    cells,
    heartbeat: input.heartbeat,
    runs: timeline(records),
    summary,
    ok:
      summary[RpoState.Breached] === 0 &&
      summary[RpoState.NoCopy] === 0 &&
      input.heartbeat.state !== HeartbeatState.Missed,
  };
}

function groupBy<T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    const group = map.get(k);
    if (group === undefined) map.set(k, [item]);
    else group.push(item);
  }
  return map;
}

/** True for the cell states that count as an RPO breach (alert, exit code 1). */
export function isBreach(state: RpoState): boolean {
  return state === RpoState.Breached || state === RpoState.NoCopy;
}

function buildCell(args: {
  diskId: string;
  sourceRegion: string;
  dest: { region: string; rpoHours: number };
  copies: Snapshot[];
  /** Item records of this disk and destination that show a copy was tried. */
  attempts: ItemRecord[];
  sources: SourceTimes;
  now: Date;
}): StatusCell {
  const { diskId, sourceRegion, dest, sources, now } = args;
  // The newest recovery point, not the newest copy: a late copy of an old snapshot restores
  // the disk to when that snapshot was taken (the engine's RPO debt uses the same rule).
  const completed = args.copies
    .filter((c) => c.status === 'accomplished')
    .map((c) => ({ copy: c, point: recoveryPointMs(c, sources) }))
    .sort((a, b) => b.point - a.point || ms(b.copy.creationTime) - ms(a.copy.creationTime));
  const newest = completed[0];
  const inFlight = args.copies
    .filter((c) => c.status === 'progressing')
    .sort((a, b) => ms(a.creationTime) - ms(b.creationTime))
    .map((c) => ({ ...copyRef(c), progress: c.progress }));

  let state: RpoState = RpoState.NoCopy;
  let newestCopy: StatusCell['newestCopy'];
  let firstAttemptAt: string | undefined;
  if (newest === undefined) {
    const times = [...args.copies.map((c) => c.creationTime), ...args.attempts.map((r) => r.time)];
    const first = times.sort((a, b) => ms(a) - ms(b))[0];
    if (first !== undefined) {
      firstAttemptAt = first;
      const waitingHours = (now.getTime() - ms(first)) / HOUR_MS;
      if (waitingHours <= dest.rpoHours) state = RpoState.Pending;
    }
  } else {
    const ageHours = (now.getTime() - newest.point) / HOUR_MS;
    newestCopy = newestCopyOf(newest.copy, sources, ageHours);
    state =
      ageHours > dest.rpoHours
        ? RpoState.Breached
        : ageHours > dest.rpoHours * AT_RISK_FRACTION
          ? RpoState.AtRisk
          : RpoState.Healthy;
  }

  const cell: StatusCell = {
    diskId,
    sourceRegion,
    destRegion: dest.region,
    rpoHours: dest.rpoHours,
    state,
    inFlight,
  };
  if (newestCopy !== undefined) cell.newestCopy = newestCopy;
  if (firstAttemptAt !== undefined) cell.firstAttemptAt = firstAttemptAt;
  const failures = args.attempts.filter((r) => r.outcome === 'failed');
  const lastFailure = newestFailure(args.copies, failures);
  if (lastFailure !== undefined) cell.lastFailure = lastFailure;
  return cell;
}

/** A failed copy in the destination listing, or a failed item record: whichever is newer. */
function newestFailure(
  copies: Snapshot[],
  failures: ItemRecord[],
): StatusCell['lastFailure'] | undefined {
  const candidates: NonNullable<StatusCell['lastFailure']>[] = [];
  for (const c of copies) {
    if (c.status !== 'failed') continue;
    candidates.push({
      time: c.creationTime,
      snapshotId: c.snapshotId,
      message: `copy ${c.snapshotId} of ${c.tags[PROVENANCE_TAG_KEYS.sourceSnapshot] ?? 'unknown source'} failed in the destination`,
    });
  }
  for (const r of failures) {
    const entry: NonNullable<StatusCell['lastFailure']> = { time: r.time, message: r.message };
    if (r.errorCode !== undefined) entry.errorCode = r.errorCode;
    if (r.copySnapshotId !== undefined) entry.snapshotId = r.copySnapshotId;
    candidates.push(entry);
  }
  return candidates.sort((a, b) => ms(b.time) - ms(a.time))[0];
}

/**
 * Disks the policy protects, with their source region: those with a copy in any destination
 * and those the engine tried to copy. Disks whose snapshots were only ever skipped (local or
 * archive category) cannot be protected and would otherwise show as breached forever.
 */
function collectDisks(copies: readonly Snapshot[], items: readonly ItemRecord[]) {
  const disks = new Map<string, string>();
  for (const c of copies) {
    const disk = diskOf(c);
    if (disk === undefined) continue;
    disks.set(disk, c.tags[PROVENANCE_TAG_KEYS.sourceRegion] ?? c.sourceRegionId ?? '');
  }
  for (const r of items) {
    if (r.diskId === '' || r.outcome === 'skipped' || r.outcome === 'pruned') continue;
    if (!disks.has(r.diskId) || disks.get(r.diskId) === '') disks.set(r.diskId, r.sourceRegion);
  }
  return disks;
}

/** The source disk of a copy: the provenance tag, which the engine always writes. */
function diskOf(copy: Snapshot): string | undefined {
  return copy.tags[PROVENANCE_TAG_KEYS.sourceDisk];
}

function newestCopyOf(copy: Snapshot, sources: SourceTimes, ageHours: number): NewestCopy {
  const source = sourceOf(copy);
  const sourceTime = source === undefined ? undefined : sources.found.get(source.snapshotId);
  const point = pointOf(copy, sources);
  const fromSource = point.from !== PointFrom.CopyTime;
  const entry: NewestCopy = {
    ...copyRef(copy),
    copyTime: copy.creationTime,
    recoveryPointTime:
      sourceTime ??
      (point.from === PointFrom.SourceTimeTag
        ? new Date(point.pointMs).toISOString().replace('.000Z', 'Z')
        : copy.creationTime),
    recoveryPointFrom:
      point.from === PointFrom.SourceSnapshot
        ? RecoveryPointFrom.SourceSnapshot
        : point.from === PointFrom.SourceTimeTag
          ? RecoveryPointFrom.SourceTimeTag
          : RecoveryPointFrom.CopyTime,
    ageHours: round2(ageHours),
  };
  if (!fromSource) {
    entry.recoveryPointNote =
      source === undefined
        ? 'copy names no source snapshot: age from the copy time (a lower bound)'
        : sources.unreachable.has(source.region)
          ? `source region ${source.region} did not answer: age from the copy time (a lower bound)`
          : `source snapshot ${source.snapshotId} no longer exists in ${source.region}: age from the copy time (a lower bound)`;
  }
  return entry;
}

function copyRef(c: Snapshot): CopyRef {
  const sourceSnapshotId = c.tags[PROVENANCE_TAG_KEYS.sourceSnapshot] ?? c.sourceSnapshotId;
  return {
    snapshotId: c.snapshotId,
    createdAt: c.creationTime,
    ...(sourceSnapshotId === undefined ? {} : { sourceSnapshotId }),
  };
}

function withLastStop(
  dest: { region: string; rpoHours: number },
  records: readonly LogRecord[],
): DestinationStatus {
  const stop = records
    .filter(
      (r): r is AlertRecord =>
        r.kind === 'alert' && r.alert === 'destination-stopped' && r.destRegion === dest.region,
    )
    .sort((a, b) => ms(b.time) - ms(a.time))[0];
  if (stop === undefined) return dest;
  return {
    ...dest,
    lastStop: {
      time: stop.time,
      message: stop.message,
      ...(stop.errorCode === undefined ? {} : { errorCode: stop.errorCode }),
    },
  };
}

/** The newest restore-tested recovery point of a destination (status's "tested RPO"). */
function withTested(
  dest: DestinationStatus,
  copies: readonly Snapshot[],
  now: Date,
): DestinationStatus {
  let best: { copy: Snapshot; pointMs: number; drilledAt: string } | undefined;
  for (const copy of copies) {
    if (copy.regionId !== dest.region || copy.status !== 'accomplished') continue;
    const mark = drillMark(copy);
    if (mark === undefined || !mark.restored) continue;
    const pointMs = recoveryPoint(copy, undefined).pointMs;
    if (best === undefined || pointMs > best.pointMs) best = { copy, pointMs, drilledAt: mark.at };
  }
  if (best === undefined) return dest;
  return {
    ...dest,
    tested: {
      snapshotId: best.copy.snapshotId,
      recoveryPointTime: new Date(best.pointMs).toISOString(),
      ageHours: Math.round(ageHours(best.pointMs, now) * 10) / 10,
      drilledAt: best.drilledAt,
    },
  };
}

function timeline(records: readonly LogRecord[]): RunEntry[] {
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

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Epoch ms of an ISO time; ISO strings with and without milliseconds do not sort as text. */
function ms(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}
