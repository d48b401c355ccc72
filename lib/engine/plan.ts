import type { Snapshot } from '../cloud/ports.ts';
import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { Destination, Policy } from '../policy/schema.ts';
import { buildCopyRequest, CopyRequestError } from './copy-request.ts';
import type { SourceDiscovery } from './discover.ts';
import { copySource, type DestinationCopies, pairKey, REPORTED_TAG_KEY } from './reconcile.ts';
import { Outcome } from './records.ts';
import type { PlanItem, Shard } from './types.ts';

const HOUR_MS = 3_600_000;

/** Codes of items the plan itself fails (no API call made them fail). */
export const PlanErrorCode = {
  CopyFailed: 'CopyFailed',
  ProvenanceMismatch: 'ProvenanceMismatch',
  UncopyableCategory: 'UncopyableCategory',
} as const;

/** A plan item plus what the run needs to act on and record it. */
export interface WorkItem extends PlanItem {
  /** What the run records for this item when it does not copy (or dry-runs). */
  outcome: Outcome;
  /** The record's message when it differs from the plan's reason (which looks ahead). */
  recordMessage?: string;
  /**
   * What the CopySnapshot request is built from (action copy). The request itself is built
   * again at execution rather than kept: a plan can hold tens of thousands of copies.
   */
  copyOf?: { source: Snapshot; dest: Destination; generation: number };
  /** Copy whose completion / failure this item reports; tagged REPORTED after the record. */
  markReported?: 'completed' | 'failed';
  /** Copy to delete (action prune). */
  pruneTarget?: Snapshot;
  /**
   * Deferred behind the copy of this source snapshot that this run plans to start: recorded
   * after execution, which knows whether that copy did start.
   */
  waitsForThisRun?: string;
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

/** Who the pair is; every item of the pair is made from it. */
interface PairRef {
  sourceRegion: string;
  sourceSnapshotId: string;
  sourceName: string;
  diskId: string;
  destRegion: string;
  debtHours: number;
}

function pairRef(source: Snapshot, destRegion: string, debtHours: number): PairRef {
  return {
    sourceRegion: source.regionId,
    sourceSnapshotId: source.snapshotId,
    sourceName: source.name,
    diskId: source.sourceDiskId,
    destRegion,
    debtHours,
  };
}

/**
 * A plan item plus the run's bookkeeping. Plans hold hundreds of thousands of these, so they
 * are one class with one shape, and the plan hands them out as they are: JSON (the CLI's
 * `plan --output json`) sees only the PlanItem fields through toJSON.
 */
class PlannedItem implements WorkItem {
  declare stalenessHours?: number;
  declare copySnapshotId?: string;
  declare copyName?: string;
  declare clientToken?: string;
  declare errorCode?: string;
  declare recordMessage?: string;
  declare copyOf?: NonNullable<WorkItem['copyOf']>;
  declare markReported?: NonNullable<WorkItem['markReported']>;
  declare pruneTarget?: Snapshot;
  declare waitsForThisRun?: string;
  action: WorkItem['action'];
  sourceRegion: string;
  sourceSnapshotId: string;
  sourceName: string;
  diskId: string;
  destRegion: string;
  reason: string;
  outcome: Outcome;
  debtHours: number;

  constructor(ref: PairRef, action: WorkItem['action'], outcome: Outcome, reason: string) {
    this.action = action;
    this.sourceRegion = ref.sourceRegion;
    this.sourceSnapshotId = ref.sourceSnapshotId;
    this.sourceName = ref.sourceName;
    this.diskId = ref.diskId;
    this.destRegion = ref.destRegion;
    this.reason = reason;
    this.outcome = outcome;
    this.debtHours = ref.debtHours;
  }

  toJSON(): PlanItem {
    return toPlanItem(this);
  }
}

/** The PlanItem fields of a work item (what `plan` shows), without the run's bookkeeping. */
export function toPlanItem(item: WorkItem): PlanItem {
  const {
    outcome,
    recordMessage,
    copyOf,
    markReported,
    pruneTarget,
    debtHours,
    waitsForThisRun,
    ...plan
  } = item;
  return plan;
}

function newItem(
  ref: PairRef,
  action: WorkItem['action'],
  outcome: Outcome,
  reason: string,
): WorkItem {
  const item = new PlannedItem(ref, action, outcome, reason);
  if (Number.isFinite(ref.debtHours)) item.stalenessHours = Math.round(ref.debtHours * 100) / 100;
  return item;
}

/**
 * An item the run records as failed without any call. The plan's reason says it will fail and
 * why (so `plan` and `run` agree); the record states the why.
 */
function failItem(ref: PairRef, errorCode: string, why: string): WorkItem {
  const item = newItem(ref, 'fail', Outcome.Failed, `will fail: ${why}`);
  item.errorCode = errorCode;
  item.recordMessage = why;
  return item;
}

/** How a pair with existing copies is reported, or undefined when no live copy exists. */
function existingCopyItem(ref: PairRef, copies: Snapshot[]): WorkItem | undefined {
  const done = copies.find((c) => c.status === 'accomplished');
  if (done) {
    const fresh = !isReported(done);
    const item = newItem(
      ref,
      'already-copied',
      fresh ? Outcome.Completed : Outcome.AlreadyCopied,
      fresh ? `copy ${done.snapshotId} completed` : `copy ${done.snapshotId} exists`,
    );
    item.copySnapshotId = done.snapshotId;
    if (fresh) item.markReported = 'completed';
    return item;
  }
  const running = copies.find((c) => c.status === 'progressing');
  if (running) {
    const item = newItem(
      ref,
      'in-progress',
      Outcome.InProgress,
      `copy ${running.snapshotId} is ${running.progress}% done`,
    );
    item.copySnapshotId = running.snapshotId;
    return item;
  }
  return undefined;
}

/** Failed copies nobody has recorded yet: one failed record each. */
function pushFailedCopies(items: WorkItem[], ref: PairRef, copies: Snapshot[]): void {
  for (const c of copies) {
    if (c.status !== 'failed' || isReported(c)) continue;
    const item = newItem(
      ref,
      'fail',
      Outcome.Failed,
      `copy ${c.snapshotId} failed in ${ref.destRegion}`,
    );
    item.errorCode = PlanErrorCode.CopyFailed;
    item.copySnapshotId = c.snapshotId;
    item.markReported = 'failed';
    items.push(item);
  }
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
  // A copy restores the disk as it was when its SOURCE was taken; the copy's own CreationTime
  // is when the copy was made, hours or days later for a backlog. The source's time is used
  // when the source was discovered, else the copy's (a lower bound on the age).
  let newestDone: Snapshot | undefined;
  let newestPoint = Number.NEGATIVE_INFINITY;
  if (diskCopies.length > 0) {
    const sourceTimes = new Map(snapshots.map((s) => [s.snapshotId, Date.parse(s.creationTime)]));
    for (const c of diskCopies) {
      if (c.status !== 'accomplished') continue;
      const point = sourceTimes.get(copySource(c).snapshotId) ?? Date.parse(c.creationTime);
      if (point > newestPoint) {
        newestDone = c;
        newestPoint = point;
      }
    }
  }
  const debtHours = newestDone ? (now.getTime() - newestPoint) / HOUR_MS : Number.POSITIVE_INFINITY;
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
  // Reasons are built once per disk and shared by its items.
  const running = diskCopies.find((c) => c.status === 'progressing');
  const waitingFor = (copy: string, source: string) =>
    `waiting for the ${copy} of ${source} to finish: one unfinished copy per disk per destination`;
  let blocked: string | undefined = running
    ? waitingFor(`copy ${running.snapshotId}`, copySource(running).snapshotId)
    : undefined;
  let blockedByThisRun: string | undefined;
  const newest = snapshots[snapshots.length - 1];
  const keep = policy.source.copyMode === 'latest' ? 1 : (dest.keepLast ?? snapshots.length);
  const firstCandidate = Math.max(0, snapshots.length - keep);
  const notCandidate =
    policy.source.copyMode === 'latest'
      ? `superseded by newer snapshot ${newest?.snapshotId} (copyMode latest)`
      : `older than the newest ${keep} snapshots of ${diskId} (keepLast ${keep})`;
  const stoppedReason = input.stopped ? `destination stopped: ${input.stopped.message}` : '';

  snapshots.forEach((snapshot, index) => {
    const key = pairKey(snapshot.regionId, snapshot.snapshotId);
    visited.add(key);
    const ref = pairRef(snapshot, dest.region, debtHours);
    const pairCopies = copies.bySource.get(key) ?? [];
    pushFailedCopies(items, ref, pairCopies);
    if (input.stopped) {
      const item = newItem(ref, 'deferred', Outcome.Deferred, stoppedReason);
      item.errorCode = input.stopped.errorCode;
      items.push(item);
      return;
    }
    const existing = existingCopyItem(ref, pairCopies);
    if (existing) {
      items.push(existing);
      return;
    }
    if (index < firstCandidate) {
      items.push(newItem(ref, 'skipped', Outcome.Skipped, notCandidate));
      return;
    }
    if (blocked) {
      const item = newItem(ref, 'deferred', Outcome.Deferred, blocked);
      if (blockedByThisRun) item.waitsForThisRun = blockedByThisRun;
      items.push(item);
      return;
    }
    let generation = 0;
    for (const c of pairCopies) if (c.status === 'failed') generation += 1;
    try {
      const request = buildCopyRequest(policy, snapshot, dest, generation);
      const item = newItem(
        ref,
        'copy',
        Outcome.Started,
        generation > 0
          ? `missing in ${dest.region}; ${generation} earlier cop${generation === 1 ? 'y' : 'ies'} failed`
          : `missing in ${dest.region}`,
      );
      item.copyName = request.name;
      item.clientToken = request.clientToken;
      item.copyOf = { source: snapshot, dest, generation };
      items.push(item);
      // Later snapshots of this disk wait for this copy.
      blocked = waitingFor('copy started this run', snapshot.snapshotId);
      blockedByThisRun = snapshot.snapshotId;
    } catch (error) {
      if (!(error instanceof CopyRequestError)) throw error;
      items.push(failItem(ref, error.code, error.message));
    }
  });
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
    const ref: PairRef = {
      sourceRegion: source.region,
      sourceSnapshotId: source.snapshotId,
      sourceName: '',
      diskId: source.diskId,
      destRegion: input.dest.region,
      debtHours: 0,
    };
    pushFailedCopies(items, ref, copies);
    const existing = existingCopyItem(ref, copies);
    // Reported, finished copies of old snapshots need no record every run.
    if (existing && existing.outcome !== Outcome.AlreadyCopied) items.push(existing);
  }
  return items;
}

/**
 * Copies whose provenance tag and the cloud's own SourceSnapshotId disagree. The cloud's field
 * says what the copy holds; the tag, which anyone allowed to tag can edit, is what reconcile
 * trusts, so the tagged source may have no real copy at all: a silent DR gap. Each one is a
 * failed item (errorCode ProvenanceMismatch) every run until an operator fixes or deletes the
 * copy: failed items already page through the item-failed alert rule and make the run exit 1,
 * where a new alert kind would page no one until a rule for it is deployed.
 */
function mismatchItems(input: DestinationInput, shard?: Shard): WorkItem[] {
  const items: WorkItem[] = [];
  for (const copy of input.copies.mismatched) {
    const claimed = copySource(copy);
    if (shard?.sourceRegions && !shard.sourceRegions.includes(claimed.region)) continue;
    const actual = `${copy.sourceRegionId ? `${copy.sourceRegionId}/` : ''}${copy.sourceSnapshotId ?? ''}`;
    const item = failItem(
      {
        sourceRegion: claimed.region,
        sourceSnapshotId: claimed.snapshotId,
        sourceName: '',
        diskId: claimed.diskId,
        destRegion: input.dest.region,
        debtHours: 0,
      },
      PlanErrorCode.ProvenanceMismatch,
      `copy ${copy.snapshotId} in ${input.dest.region} is tagged ${PROVENANCE_TAG_KEYS.sourceSnapshot}=${claimed.snapshotId} but the cloud says it was copied from ${actual}: its provenance tags were edited; it counts as a copy of both, so ${claimed.snapshotId} may be unprotected. Check the copy, then fix its tag or delete it`,
    );
    item.copySnapshotId = copy.snapshotId;
    items.push(item);
  }
  return items;
}

function uncopyableItems(sources: SourceDiscovery[], destinations: DestinationInput[]) {
  const items: WorkItem[] = [];
  for (const source of sources) {
    for (const { snapshot, reason } of source.uncopyable) {
      for (const { dest } of destinations) {
        const item = newItem(pairRef(snapshot, dest.region, 0), 'skipped', Outcome.Skipped, reason);
        item.errorCode = PlanErrorCode.UncopyableCategory;
        items.push(item);
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
        const item = newItem(
          {
            sourceRegion: source.region,
            sourceSnapshotId: source.snapshotId,
            sourceName: '',
            diskId,
            destRegion: dest.region,
            debtHours: 0,
          },
          'prune',
          Outcome.Pruned,
          `beyond the newest ${dest.keepLast} copies of ${diskId} in ${dest.region}`,
        );
        item.copySnapshotId = copy.snapshotId;
        item.pruneTarget = copy;
        items.push(item);
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
    items.push(...mismatchItems(destination, input.shard));
  }
  for (const item of uncopyableItems(input.sources, input.destinations)) items.push(item);
  for (const item of pruneItems(policy, input.destinations, input.shard)) items.push(item);
  // Only copies need ordering (stalest first; sort is stable, so oldest snapshot first within
  // equal debt); the rest keep their order, which saves sorting hundreds of thousands of items.
  const copies = items.filter((i) => i.action === 'copy');
  copies.sort((a, b) => (a.debtHours === b.debtHours ? 0 : b.debtHours > a.debtHours ? 1 : -1));
  const rest = items.filter((i) => i.action !== 'copy');
  return { items: copies.concat(rest), rpoBreaches };
}
