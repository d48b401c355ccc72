import { ageHours, recoveryPoint } from '../domain/recovery-point.ts';
import { drillMark } from '../engine/restore-drill.ts';
import type { Snapshot } from '../ports.ts';
import type { AlertRecord, LogRecord } from '../records/types.ts';
import type { DestinationStatus } from './status-report.ts';
import { ms } from './status-time.ts';

/** Per destination: why it last stopped (an alert) and its tested RPO (restore drills). */

export function withLastStop(
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
export function withTested(
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
