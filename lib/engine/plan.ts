import { Code } from '../codes.ts';
import { CopyVerdict } from '../domain/provenance.ts';
import { completedPoints, PointFrom, type RecoveryPoint } from '../domain/recovery-point.ts';
import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { Destination, Policy } from '../policy/schema.ts';
import type { Snapshot, SnapshotLock } from '../ports.ts';
import { Outcome } from '../records/types.ts';
import { buildCopyRequest, CopyRequestError } from './copy-request.ts';
import type { SourceDiscovery } from './discover.ts';
import { copySource, type DestinationCopies, pairKey, REPORTED_TAG_KEY } from './reconcile.ts';
import type { PlanItem, Shard } from './types.ts';

const HOUR_MS = 3_600_000;

/** Source snapshot id -> CreationTime epoch ms, for every source discovered this run. */
type SourceTimes = ReadonlyMap<string, number>;

/** How the plan reads a copy's source time: from this run's discovery. */
const sourceMsIn = (times: SourceTimes) => (copy: Snapshot) =>
  times.get(copySource(copy).snapshotId);

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
  /**
   * The one decision for a selected source snapshot in a destination (copy, already-copied,
   * in-progress, deferred, skipped, fail): the run checks that every selected snapshot got
   * exactly one. Extra items (a failed earlier copy, a prune) are not primary.
   */
  primary?: boolean;
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
  /** Locks of the completed copies (DescribeLockedSnapshots), for a destination with `lock`. */
  locks?: ReadonlyMap<string, SnapshotLock>;
  /** Why the locks are unknown this run: nothing is locked or pruned there. */
  locksUnknown?: { errorCode: string; message: string };
  /** Why nothing can be done in this destination this run (preflight, listing). */
  stopped?: { errorCode: string; message: string };
}

/** A disk with copies here whose source produced no snapshot in the window: RPO runs out. */
export interface StaleSource {
  diskId: string;
  sourceRegion: string;
  destRegion: string;
  /** Hours since the newest recovery point held here. */
  hours: number;
  rpoHours: number;
  copySnapshotId: string;
}

export interface WorkPlan {
  items: WorkItem[];
  rpoBreaches: RpoBreach[];
  /** Disks that stopped producing snapshots (not retired), past rpoHours. */
  staleSources?: StaleSource[];
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
  declare lockedUntil?: string;
  /** Set in the constructor, not later: a property added after construction costs each item a backing store. */
  primary: boolean;
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
    this.primary = false;
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
    primary,
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
    item.errorCode = Code.CopyFailed;
    item.copySnapshotId = c.snapshotId;
    item.markReported = 'failed';
    items.push(item);
  }
}

interface DiskPlan {
  policy: Policy;
  now: Date;
  input: DestinationInput;
  /** Source snapshot id -> CreationTime ms, for every snapshot discovered this run. */
  sourceTimes: SourceTimes;
  visited: Set<string>;
  items: WorkItem[];
  rpoBreaches: RpoBreach[];
}

function planDisk(plan: DiskPlan, snapshots: Snapshot[]): void {
  const { policy, now, input, visited, items, rpoBreaches } = plan;
  const { dest, copies } = input;
  const first = snapshots[0];
  if (!first) return;
  const diskId = first.sourceDiskId;
  const diskCopies = copies.byDisk.get(diskId) ?? [];
  // The newest recovery point (source snapshot time), not the newest copy (domain rule).
  const newestPoint = completedPoints(diskCopies, sourceMsIn(plan.sourceTimes))[0];
  const newestDone = newestPoint?.copy;
  const debtHours = newestPoint
    ? (now.getTime() - newestPoint.pointMs) / HOUR_MS
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
    const decide = (item: WorkItem) => {
      item.primary = true;
      items.push(item);
    };
    if (input.stopped) {
      const item = newItem(ref, 'deferred', Outcome.Deferred, stoppedReason);
      item.errorCode = input.stopped.errorCode;
      decide(item);
      return;
    }
    const existing = existingCopyItem(ref, pairCopies);
    if (existing) {
      decide(existing);
      return;
    }
    if (index < firstCandidate) {
      decide(newItem(ref, 'skipped', Outcome.Skipped, notCandidate));
      return;
    }
    if (blocked) {
      const item = newItem(ref, 'deferred', Outcome.Deferred, blocked);
      if (blockedByThisRun) item.waitsForThisRun = blockedByThisRun;
      decide(item);
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
      decide(item);
      // Later snapshots of this disk wait for this copy.
      blocked = waitingFor('copy started this run', snapshot.snapshotId);
      blockedByThisRun = snapshot.snapshotId;
    } catch (error) {
      if (!(error instanceof CopyRequestError)) throw error;
      decide(failItem(ref, error.code, error.message));
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
 * Snapshots tagged with this policy that the provenance rule says are not its copies. Tags
 * that disagree with ECS's own SourceSnapshotId are a failed item every run (ProvenanceMismatch:
 * the tagged source may have no real copy, a silent DR gap) until an operator fixes or deletes
 * the snapshot; a hand-made snapshot with our tags is a skipped item saying it is never counted
 * nor pruned. Neither is ever deleted.
 */
function foreignItems(input: DestinationInput, shard?: Shard): WorkItem[] {
  const items: WorkItem[] = [];
  for (const { snapshot, verdict, reason } of input.copies.foreign) {
    const claimed = claimedSource(snapshot);
    if (shard?.sourceRegions && claimed.region && !shard.sourceRegions.includes(claimed.region)) {
      continue;
    }
    const ref: PairRef = {
      sourceRegion: claimed.region,
      sourceSnapshotId: claimed.snapshotId,
      sourceName: '',
      diskId: claimed.diskId,
      destRegion: input.dest.region,
      debtHours: 0,
    };
    const item =
      verdict === CopyVerdict.TagsDisagree
        ? failItem(ref, Code.ProvenanceMismatch, reason)
        : newItem(ref, 'skipped', Outcome.Skipped, reason);
    if (verdict === CopyVerdict.NotACopy) item.errorCode = Code.NotACopy;
    item.copySnapshotId = snapshot.snapshotId;
    items.push(item);
  }
  return items;
}

/** What a snapshot's provenance tags claim (for naming a foreign snapshot's record). */
function claimedSource(snapshot: Snapshot) {
  return {
    region: snapshot.tags[PROVENANCE_TAG_KEYS.sourceRegion] ?? snapshot.sourceRegionId ?? '',
    snapshotId:
      snapshot.tags[PROVENANCE_TAG_KEYS.sourceSnapshot] ?? snapshot.sourceSnapshotId ?? '',
    diskId: snapshot.tags[PROVENANCE_TAG_KEYS.sourceDisk] ?? '',
  };
}

/** Selected snapshots that are never copied (a copy, our tags, an uncopyable category). */
function excludedItems(sources: SourceDiscovery[], destinations: DestinationInput[]) {
  const items: WorkItem[] = [];
  for (const source of sources) {
    for (const { snapshot, reason, code } of source.excluded) {
      for (const { dest } of destinations) {
        const item = newItem(pairRef(snapshot, dest.region, 0), 'skipped', Outcome.Skipped, reason);
        item.errorCode = code;
        item.primary = true;
        items.push(item);
      }
    }
  }
  return items;
}

interface Bounded {
  point: RecoveryPoint;
  /** The recovery point lies in [lower, upper]: exact when known, (-inf, copy time] when not. */
  lower: number;
  upper: number;
}

function bounds(point: RecoveryPoint): Bounded {
  const known = point.from !== PointFrom.CopyTime;
  return {
    point,
    lower: known ? point.pointMs : Number.NEGATIVE_INFINITY,
    upper: point.pointMs,
  };
}

function pruneRef(copy: Snapshot, diskId: string, destRegion: string): PairRef {
  const source = copySource(copy);
  return {
    sourceRegion: source.region,
    sourceSnapshotId: source.snapshotId,
    sourceName: '',
    diskId,
    destRegion,
    debtHours: 0,
  };
}

/**
 * keepLast by recovery point: per (disk, destination) a completed copy may be deleted only when
 * at least keepLast other copies CERTAINLY restore a newer point (a copy's point is the source
 * snapshot's time; when the source is gone and the copy has no source-time tag, all that is
 * known is that the point is no later than the copy itself). So the copy of the newest point is
 * never deleted, nor one in progress (not completed), nor the only one within rpoHours, nor a
 * snapshot the provenance rule does not call ours, nor anything where a listing failed or may
 * be truncated. Deletions are capped per run.
 */
function pruneItems(
  policy: Policy,
  now: Date,
  destinations: DestinationInput[],
  sourceTimes: SourceTimes,
  canPrune: boolean,
  shard?: Shard,
): WorkItem[] {
  const items: WorkItem[] = [];
  let budget = policy.limits.maxDeletesPerRun;
  for (const { dest, copies, stopped, locks, locksUnknown } of destinations) {
    // Never prune where this run could not see the whole picture (locks included).
    if (!dest.keepLast || stopped || copies.error || copies.truncated || !canPrune) continue;
    if (locksUnknown) continue;
    const keepLast = dest.keepLast;
    const rpoFloor = now.getTime() - dest.rpoHours * HOUR_MS;
    for (const [diskId, diskCopies] of copies.byDisk) {
      const inShard = diskCopies.filter(
        (c) => !shard?.sourceRegions || shard.sourceRegions.includes(copySource(c).region),
      );
      const points = completedPoints(inShard, sourceMsIn(sourceTimes)).map(bounds);
      if (points.length <= keepLast) continue;
      const lowers = points.map((p) => p.lower).sort((x, y) => y - x);
      const certainlyWithinRpo = points.filter((p) => p.lower >= rpoFloor).length;
      for (const entry of points) {
        const copy = entry.point.copy;
        const ref = pruneRef(copy, diskId, dest.region);
        const when = new Date(entry.upper).toISOString();
        // Copies certainly newer than this one (lowers sorted newest first).
        let newer = 0;
        while (newer < lowers.length && (lowers[newer] ?? Number.NEGATIVE_INFINITY) > entry.upper) {
          newer += 1;
        }
        let guard: string | undefined;
        const lock = locks?.get(copy.snapshotId);
        if (newer < keepLast) {
          guard =
            entry.point.from === PointFrom.CopyTime
              ? `its recovery point is unknown (source gone, no ${PROVENANCE_TAG_KEYS.sourceTime} tag; no later than ${when}) and fewer than ${keepLast} copies are certainly newer`
              : `one of the newest ${keepLast} recovery points of ${diskId} (source taken ${when})`;
        } else if (lock !== undefined && lock.status !== 'expired') {
          // A locked copy counts toward keepLast (it is in `points`) and is never deleted.
          guard = `locked until ${lock.expiresAt}`;
        } else if (entry.upper >= rpoFloor && certainlyWithinRpo <= 1 && entry.lower >= rpoFloor) {
          guard = `the only recovery point within rpoHours ${dest.rpoHours}`;
        } else if (budget <= 0) {
          guard = `the run's deletion cap (maxDeletesPerRun ${policy.limits.maxDeletesPerRun}) is reached`;
        }
        if (guard !== undefined) {
          const item = newItem(ref, 'keep', Outcome.AlreadyCopied, `kept: ${guard}`);
          item.copySnapshotId = copy.snapshotId;
          items.push(item);
          continue;
        }
        budget -= 1;
        const item = newItem(
          ref,
          'prune',
          Outcome.Pruned,
          `beyond the newest ${keepLast} recovery points of ${diskId} in ${dest.region} (source taken ${entry.point.from === PointFrom.CopyTime ? `no later than ${when}` : when}; ${newer} copies restore a newer point)`,
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
  const sourceTimes = new Map<string, number>();
  for (const source of input.sources) {
    for (const s of source.snapshots) {
      sourceTimes.set(s.snapshotId, Date.parse(s.creationTime));
      const key = `${s.regionId}|${s.sourceDiskId}`;
      const list = byDisk.get(key);
      if (list) list.push(s);
      else byDisk.set(key, [s]);
    }
    for (const { snapshot } of source.excluded) {
      sourceTimes.set(snapshot.snapshotId, Date.parse(snapshot.creationTime));
    }
  }
  for (const destination of input.destinations) {
    const visited = new Set<string>();
    const plan: DiskPlan = {
      policy,
      now,
      input: destination,
      sourceTimes,
      visited,
      items,
      rpoBreaches,
    };
    for (const snapshots of byDisk.values()) planDisk(plan, snapshots);
    if (!destination.stopped) items.push(...followOrphans(destination, visited, input.shard));
    items.push(...foreignItems(destination, input.shard));
  }
  for (const item of excludedItems(input.sources, input.destinations)) items.push(item);
  // A source listing that failed or may be truncated leaves recovery points unknown: no prune.
  const sourcesComplete = input.sources.every((s) => !s.error && !s.truncated);
  const staleSources = sourcesComplete ? findStaleSources(input, sourceTimes) : [];
  for (const item of pruneItems(
    policy,
    now,
    input.destinations,
    sourceTimes,
    sourcesComplete,
    input.shard,
  )) {
    items.push(item);
  }
  // Only copies need ordering (stalest first; sort is stable, so oldest snapshot first within
  // equal debt); the rest keep their order, which saves sorting hundreds of thousands of items.
  const copies = items.filter((i) => i.action === 'copy');
  copies.sort((a, b) => (a.debtHours === b.debtHours ? 0 : b.debtHours > a.debtHours ? 1 : -1));
  const rest = items.filter((i) => i.action !== 'copy');
  return { items: copies.concat(rest), rpoBreaches, staleSources };
}

/**
 * A disk that stops producing snapshots drops out of discovery, so no run would ever see its
 * RPO run out: for every disk with our copies in a destination, no snapshot discovered this run,
 * not retired (source.retiredDisks) and its newest recovery point older than rpoHours, one
 * stale-source finding. Only from complete source listings (a failed region is its own alert).
 */
function findStaleSources(input: PlanInput, sourceTimes: SourceTimes): StaleSource[] {
  const { policy, now } = input;
  const discovered = new Set<string>();
  for (const source of input.sources) {
    for (const s of source.snapshots) discovered.add(s.sourceDiskId);
    for (const { snapshot } of source.excluded) discovered.add(snapshot.sourceDiskId);
  }
  const retired = new Set(policy.source.retiredDisks ?? []);
  const listedRegions = new Set(input.sources.map((s) => s.region));
  const stale: StaleSource[] = [];
  for (const { dest, copies, stopped } of input.destinations) {
    if (stopped || copies.error || copies.truncated) continue;
    for (const [diskId, diskCopies] of copies.byDisk) {
      if (discovered.has(diskId) || retired.has(diskId)) continue;
      const newest = completedPoints(diskCopies, sourceMsIn(sourceTimes))[0];
      if (newest === undefined) continue;
      const region = copySource(newest.copy).region;
      if (!listedRegions.has(region)) continue;
      const hours = (now.getTime() - newest.pointMs) / HOUR_MS;
      if (hours <= dest.rpoHours) continue;
      stale.push({
        diskId,
        sourceRegion: region,
        destRegion: dest.region,
        hours,
        rpoHours: dest.rpoHours,
        copySnapshotId: newest.copy.snapshotId,
      });
    }
  }
  return stale;
}
