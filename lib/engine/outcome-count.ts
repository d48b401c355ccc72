import { AlertKind } from '../records/types.ts';
import type { Prepared } from './prepare.ts';
import type { RunSession } from './session.ts';

/**
 * No silent skip: every snapshot the selector matched (copyable or not) must have exactly one
 * decision record per destination this run. Failed earlier copies and prunes add records of
 * their own, so the check counts the primary items' keys, then that each got a record.
 * True (with an outcome-count-mismatch alert) when the counts disagree.
 */
export function checkOutcomeCounts({ book, decided }: RunSession, prepared: Prepared): boolean {
  const expected = new Set<string>();
  const regions = prepared.destinations.map((d) => d.dest.region);
  for (const source of prepared.sources) {
    if (source.error) continue;
    for (const s of [...source.snapshots, ...source.excluded.map((e) => e.snapshot)]) {
      for (const region of regions) expected.add(`${region}|${s.regionId}|${s.snapshotId}`);
    }
  }
  const silent: string[] = [];
  for (const key of expected) if ((decided.get(key) ?? 0) === 0) silent.push(key);
  let primaries = 0;
  for (const item of prepared.work.items) if (item.primary) primaries += 1;
  if (silent.length === 0 && primaries === expected.size) return false;
  book.alert(AlertKind.OutcomeCountMismatch, {
    message: `${expected.size} (snapshot, destination) pairs were selected but ${primaries} decisions were planned and ${silent.length} got no record (first: ${silent.slice(0, 5).join(', ') || 'none'}): report this as a bug`,
  });
  return true;
}
