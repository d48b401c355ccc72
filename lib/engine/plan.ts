import type { CopySnapshotRequest, Snapshot } from '../cloud/ports.ts';
import type { Destination, Policy } from '../policy/schema.ts';
import { buildCopyRequest, CopyRequestError } from './copy-request.ts';
import type { SourceDiscovery } from './discover.ts';
import { copySource, type DestinationCopies, pairKey, REPORTED_TAG_KEY } from './reconcile.ts';
import { Outcome } from './records.ts';
import type { PlanItem, Shard } from './types.ts';

const HOUR_MS = 3_600_000;

/** A plan item plus what the run needs to act on and record it. */
export interface WorkItem extends PlanItem {
  /** What the run records for this item when it does not copy (or dry-runs). */
  outcome: Outcome;
  errorCode?: string;
  request?: CopySnapshotRequest;
  /** Copy whose completion / failure this item reports; tagged REPORTED after the record. */
  markReported?: 'completed' | 'failed';
  /** Copy to delete (action prune). */
  pruneTarget?: Snapshot;
  /** Sort key for copies: hours of RPO debt, Infinity when the disk has no copy yet. */
  debtHours: number;
}

export interface RpoBreach {
  destRegion: string;
  sourceRegion: string;
  diskId: string;
  hours: number;
  rpoHours: number;
  /** Newest completed copy, if any. */
  copySnapshotId?: string;
}

export interface DestinationInput {
  dest: Destination;
  copies: DestinationCopies;
  /** Why nothing can be done in this destination this run (preflight, listing). */
  stopped?: { errorCode: string; message: string };
}

export interface WorkPlan {
  items: WorkItem[];
  rpoBreaches: RpoBreach[];
}

interface PlanInput {
  policy: Policy;
  now: Date;
  sources: SourceDiscovery[];
  destinations: DestinationInput[];
  shard?: Shard | undefined;
}

const isReported = (copy: Snapshot) => copy.tags[REPORTED_TAG_KEY] !== undefined;

function baseItem(source: Snapshot, destRegion: string): Omit<WorkItem, 'action' | 'outcome' | 'reason'> {
  return {
    sourceRegion: source.regionId,
    sourceSnapshotId: source.snapshotId,
    sourceName: source.name,
    diskId: source.sourceDiskId,
    destRegion,
    debtHours: 0,
  };
}

/** How a pair with existing copies is reported, or undefined when no live copy exists. */
function existingCopyItem(
  base: Omit<WorkItem, 'action' | 'outcome' | 'reason'>,
  copies: Snapshot[],
): WorkItem | undefined {
  const done = copies.find((c) => c.status === 'accomplished');
  if (done) {
    const fresh = !isReported(done);
    return {
      ...base,
      action: 'already-copied',
      outcome: fresh ? Outcome.Completed : Outcome.AlreadyCopied,
      reason: fresh ? `copy ${done.snapshotId} completed` : `copy ${done.snapshotId} exists`,
      copySnapshotId: done.snapshotId,
      ...(fresh ? { markReported: 'completed' as const } : {}),
    };
  }
  const running = copies.find((c) => c.status === 'progressing');
  if (running) {
    return {
      ...base,
      action: 'in-progress',
      outcome: Outcome.InProgress,
      reason: `copy ${running.snapshotId} is ${running.progress}% done`,
      copySnapshotId: running.snapshotId,
    };
  }
  return undefined;
}

/** Failed copies nobody has recorded yet: one failed record each. */
function failedCopyItems(
  base: Omit<WorkItem, 'action' | 'outcome' | 'reason'>,
  copies: Snapshot[],
): WorkItem[] {
  return copies
    .filter((c) => c.status === 'failed' && !isReported(c))
    .map((c) => ({
      ...base,
      action: 'skipped' as const,
      outcome: Outcome.Failed,
      errorCode: 'CopyFailed',
      reason: `copy ${c.snapshotId} failed in ${base.destRegion}`,
      copySnapshotId: c.snapshotId,
      markReported: 'failed' as const,
    }));
}

function planDisk(
  policy: Policy,
  now: Date,
  input: DestinationInput,
  snapshots: Snapshot[],
  visited: Set<string>,
  items: WorkItem[],
  rpoBreaches: RpoBreach[],
): void {
  const { dest, copies } = input;
  const first = snapshots[0];
  if (!first) return;
  const diskId = first.sourceDiskId;
  const diskCopies = copies.byDisk.get(diskId) ?? [];
  const newestDone = diskCopies.find((c) => c.status === 'accomplished');
  const debtHours = newestDone
    ? (now.getTime() - Date.parse(newestDone.creationTime)) / HOUR_MS
    : Number.POSITIVE_INFINITY;
  const oldestPendingHours = (now.getTime() - Date.parse(first.creationTime)) / HOUR_MS;
  const rpoHours = newestDone ? debtHours : oldestPendingHours;
  if (!input.stopped && rpoHours > dest.rpoHours) {
    rpoBreaches.push({
      destRegion: dest.region,
      sourceRegion: first.regionId,
      diskId,
      hours: rpoHours,
      rpoHours: dest.rpoHours,
      ...(newestDone ? { copySnapshotId: newestDone.snapshotId } : {}),
    });
  }
  // One unfinished copy per disk per destination: any progressing copy of this disk blocks.
  const running = diskCopies.find((c) => c.status === 'progressing');
  let blocker: { copy: string; source: string } | undefined = running
    ? { copy: `copy ${running.snapshotId}`, source: copySource(running).snapshotId }
    : undefined;
  const newest = snapshots[snapshots.length - 1];
  const keep = policy.source.copyMode === 'latest' ? 1 : (dest.keepLast ?? snapshots.length);
  const candidates = new Set(snapshots.slice(-keep).map((s) => s.snapshotId));

  for (const snapshot of snapshots) {
    const key = pairKey(snapshot.regionId, snapshot.snapshotId);
    visited.add(key);
    const base = { ...baseItem(snapshot, dest.region), debtHours };
    if (Number.isFinite(debtHours)) base.stalenessHours = Math.round(debtHours * 100) / 100;
    const pairCopies = copies.bySource.get(key) ?? [];
    items.push(...failedCopyItems(base, pairCopies));
    if (input.stopped) {
      items.push({
        ...base,
        action: 'deferred',
        outcome: Outcome.Deferred,
        errorCode: input.stopped.errorCode,
        reason: `destination stopped: ${input.stopped.message}`,
      });
      continue;
    }
    const existing = existingCopyItem(base, pairCopies);
    if (existing) {
      items.push(existing);
      continue;
    }
    if (!candidates.has(snapshot.snapshotId)) {
      items.push({
        ...base,
        action: 'skipped',
        outcome: Outcome.Skipped,
        reason:
          policy.source.copyMode === 'latest'
            ? `superseded by newer snapshot ${newest?.snapshotId} (copyMode latest)`
            : `older than the newest ${keep} snapshots of ${diskId} (keepLast ${keep})`,
      });
      continue;
    }
    if (blocker) {
      items.push({
        ...base,
        action: 'deferred',
        outcome: Outcome.Deferred,
        reason: `waiting for the ${blocker.copy} of ${blocker.source} to finish: one unfinished copy per disk per destination`,
      });
      continue;
    }
    const generation = pairCopies.filter((c) => c.status === 'failed').length;
    try {
      const request = buildCopyRequest(policy, snapshot, dest, generation);
      items.push({
        ...base,
        action: 'copy',
        outcome: Outcome.Started,
        reason:
          generation > 0
            ? `missing in ${dest.region}; ${generation} earlier cop${generation === 1 ? 'y' : 'ies'} failed`
            : `missing in ${dest.region}`,
        copyName: request.name,
        clientToken: request.clientToken,
        request,
      });
      // Later snapshots of this disk wait for this copy.
      blocker = { copy: 'copy started this run', source: snapshot.snapshotId };
    } catch (error) {
      if (!(error instanceof CopyRequestError)) throw error;
      items.push({
        ...base,
        action: 'skipped',
        outcome: Outcome.Failed,
        errorCode: error.code,
        reason: error.message,
      });
    }
  }
}

/** Copies in the destination whose source was not discovered (out of lookback): follow them. */
function followOrphans(input: DestinationInput, visited: Set<string>, shard?: Shard): WorkItem[] {
  const items: WorkItem[] = [];
  for (const [key, copies] of input.copies.bySource) {
    if (visited.has(key)) continue;
    const first = copies[0];
    if (!first) continue;
    const source = copySource(first);
    if (shard?.sourceRegions && !shard.sourceRegions.includes(source.region)) continue;
    const base = {
      sourceRegion: source.region,
      sourceSnapshotId: source.snapshotId,
      sourceName: '',
      diskId: source.diskId,
      destRegion: input.dest.region,
      debtHours: 0,
    };
    items.push(...failedCopyItems(base, copies));
    const existing = existingCopyItem(base, copies);
    // Reported, finished copies of old snapshots need no record every run.
    if (existing && existing.outcome !== Outcome.AlreadyCopied) items.push(existing);
  }
  return items;
}

function uncopyableItems(sources: SourceDiscovery[], destinations: DestinationInput[]) {
  const items: WorkItem[] = [];
  for (const source of sources) {
    for (const { snapshot, reason } of source.uncopyable) {
      for (const { dest } of destinations) {
        items.push({
          ...baseItem(snapshot, dest.region),
          action: 'skipped',
          outcome: Outcome.Skipped,
          errorCode: 'UncopyableCategory',
          reason,
        });
      }
    }
  }
  return items;
}

/** Keep the newest keepLast completed copies per disk; the rest may be deleted (capped). */
function pruneItems(policy: Policy, destinations: DestinationInput[], shard?: Shard): WorkItem[] {
  const items: WorkItem[] = [];
  let budget = policy.limits.maxDeletesPerRun;
  for (const { dest, copies, stopped } of destinations) {
    // Never prune where this run could not see the whole picture.
    if (!dest.keepLast || stopped || copies.error) continue;
    for (const [diskId, diskCopies] of copies.byDisk) {
      const done = diskCopies.filter(
        (c) =>
          c.status === 'accomplished' &&
          c.tags['dr-replicator:policy'] === policy.name &&
          (!shard?.sourceRegions || shard.sourceRegions.includes(copySource(c).region)),
      );
      // done is newest first; index 0 (the newest completed copy) is never a candidate.
      for (const copy of done.slice(Math.max(1, dest.keepLast))) {
        if (budget <= 0) return items;
        budget -= 1;
        const source = copySource(copy);
        items.push({
          action: 'prune',
          outcome: Outcome.Pruned,
          sourceRegion: source.region,
          sourceSnapshotId: source.snapshotId,
          sourceName: '',
          diskId,
          destRegion: dest.region,
          copySnapshotId: copy.snapshotId,
          reason: `beyond the newest ${dest.keepLast} copies of ${diskId} in ${dest.region}`,
          pruneTarget: copy,
          debtHours: 0,
        });
      }
    }
  }
  return items;
}

/**
 * Step 5: what to do for every (source snapshot, destination) pair, pure and deterministic.
 * Copies come first, stalest disk first (largest RPO debt), then oldest snapshot first.
 */
export function planWork(input: PlanInput): WorkPlan {
  const { policy, now } = input;
  const items: WorkItem[] = [];
  const rpoBreaches: RpoBreach[] = [];
  const byDisk = new Map<string, Snapshot[]>();
  for (const source of input.sources) {
    for (const s of source.snapshots) {
      const key = `${s.regionId}|${s.sourceDiskId}`;
      const list = byDisk.get(key);
      if (list) list.push(s);
      else byDisk.set(key, [s]);
    }
  }
  for (const destination of input.destinations) {
    const visited = new Set<string>();
    for (const snapshots of byDisk.values()) {
      planDisk(policy, now, destination, snapshots, visited, items, rpoBreaches);
    }
    if (!destination.stopped) items.push(...followOrphans(destination, visited, input.shard));
  }
  items.push(...uncopyableItems(input.sources, input.destinations));
  items.push(...pruneItems(policy, input.destinations, input.shard));
  const rank = (i: WorkItem) => (i.action === 'copy' ? 0 : i.action === 'prune' ? 2 : 1);
  items.sort((a, b) => rank(a) - rank(b) || b.debtHours - a.debtHours || 0);
  return { items, rpoBreaches };
}
