import { ageHours as hoursSince, PointFrom } from '../domain/recovery-point.ts';
import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { Snapshot } from '../ports.ts';
import type { ItemRecord } from '../records/types.ts';
import {
  AT_RISK_FRACTION,
  type CopyRef,
  type NewestCopy,
  RpoState,
  type StatusCell,
} from './status-report.ts';
import { pointOf, recoveryPointMs, type SourceTimes, sourceOf } from './status-sources.ts';
import { ms, round2 } from './status-time.ts';

/**
 * One cell of the grid, judged against its RPO: the newest recovery point (from the source
 * snapshot's time, not the copy's), copies in flight, and the newest failure.
 */
export function buildCell(args: {
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
      const waitingHours = hoursSince(ms(first), now);
      if (waitingHours <= dest.rpoHours) state = RpoState.Pending;
    }
  } else {
    const ageHours = hoursSince(newest.point, now);
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
    // PointFrom and RecoveryPointFrom name the same three strings.
    recoveryPointFrom: point.from,
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
