import type { Destination, Policy } from '../../policy/schema.ts';
import type { Snapshot } from '../../ports.ts';
import { Outcome } from '../../records/types.ts';
import { buildCopyRequest } from '../copy-request.ts';
import type { PlanItem } from '../types.ts';

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
  copyOf?: CopyOf;
  /** Copy whose completion / failure this item reports; tagged REPORTED after the record. */
  markReported?: 'completed' | 'failed';
  /** Copy to delete (action prune). */
  pruneTarget?: Snapshot;
  /**
   * Deferred behind the copy of this source snapshot that this run plans to start: recorded
   * after execution, which knows whether that copy did start.
   */
  waitsForThisRun?: string;
  /**
   * Sort key for copies: seconds of RPO debt, NO_COPY_YET when the disk has none. A small
   * integer, which V8 keeps inside the object; a double (hours, Infinity) cost each of the
   * 300,000 items of a 100,000 × 3 plan a heap number of its own.
   */
  debtRank: number;
  /**
   * The one decision for a selected source snapshot in a destination (copy, already-copied,
   * in-progress, deferred, skipped, fail): the run checks that every selected snapshot got
   * exactly one. Extra items (a failed earlier copy, a prune) are not primary.
   */
  primary?: boolean;
}

/** What a copy item's CopySnapshot request is built from (buildCopyRequest's arguments). */
export interface CopyOf {
  policy: Policy;
  source: Snapshot;
  dest: Destination;
  generation: number;
}

const requestOf = ({ policy, source, dest, generation }: CopyOf) =>
  buildCopyRequest(policy, source, dest, generation);

/** Who the pair is; every item of the pair is made from it. */
export interface PairRef {
  sourceRegion: string;
  sourceSnapshotId: string;
  sourceName: string;
  diskId: string;
  destRegion: string;
  debtHours: number;
}

export function pairRef(source: Snapshot, destRegion: string, debtHours: number): PairRef {
  return {
    sourceRegion: source.regionId,
    sourceSnapshotId: source.snapshotId,
    sourceName: source.name,
    diskId: source.sourceDiskId,
    destRegion,
    debtHours,
  };
}

/** The pair of a copy named from its provenance (its source was not discovered this run). */
export function originRef(
  origin: { region: string; snapshotId: string; diskId: string },
  destRegion: string,
  diskId = origin.diskId,
): PairRef {
  return {
    sourceRegion: origin.region,
    sourceSnapshotId: origin.snapshotId,
    sourceName: '',
    diskId,
    destRegion,
    debtHours: 0,
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
  declare errorCode?: string;
  /** Getters on the prototype (below): built from copyOf when read. */
  declare readonly copyName?: string;
  declare readonly clientToken?: string;
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
  debtRank: number;

  constructor(ref: PairRef, action: WorkItem['action'], outcome: Outcome, reason: string) {
    this.action = action;
    this.sourceRegion = ref.sourceRegion;
    this.sourceSnapshotId = ref.sourceSnapshotId;
    this.sourceName = ref.sourceName;
    this.diskId = ref.diskId;
    this.destRegion = ref.destRegion;
    this.reason = reason;
    this.outcome = outcome;
    this.debtRank = debtRank(ref.debtHours);
    this.primary = false;
  }

  toJSON(): PlanItem {
    return toPlanItem(this);
  }
}

/**
 * A copy's name and ClientToken are built again when read (plan output): kept, they would cost
 * each of a 100,000 × 3 plan's 60,000 copies two strings. The build is deterministic.
 */
Object.defineProperties(PlannedItem.prototype, {
  copyName: {
    get(this: PlannedItem) {
      return this.copyOf && requestOf(this.copyOf).name;
    },
  },
  clientToken: {
    get(this: PlannedItem) {
      return this.copyOf && requestOf(this.copyOf).clientToken;
    },
  },
});

/** The largest small integer (Smi) V8 stores inline: the rank of a disk with no copy yet. */
export const NO_COPY_YET = 2 ** 30 - 1;

/** Hours of RPO debt as the copies' sort key: whole seconds, capped (Infinity: no copy yet). */
export function debtRank(hours: number): number {
  const seconds = Math.round(hours * 3600);
  // NaN (no time to measure against) ranks as no debt.
  if (!(seconds > 0)) return 0;
  return Math.min(seconds, NO_COPY_YET);
}

/** The PlanItem fields of a work item (what `plan` shows), without the run's bookkeeping. */
export function toPlanItem(item: WorkItem): PlanItem {
  const {
    outcome,
    recordMessage,
    copyOf,
    markReported,
    pruneTarget,
    debtRank,
    waitsForThisRun,
    primary,
    ...plan
  } = item;
  if (copyOf) {
    // Getters are not own properties: the spread above does not carry them.
    const request = requestOf(copyOf);
    plan.copyName = request.name;
    plan.clientToken = request.clientToken;
  }
  return plan;
}

export function newItem(
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
export function failItem(ref: PairRef, errorCode: string, why: string): WorkItem {
  const item = newItem(ref, 'fail', Outcome.Failed, `will fail: ${why}`);
  item.errorCode = errorCode;
  item.recordMessage = why;
  return item;
}
