import type { Destination, Policy } from '../../policy/schema.ts';
import type { SnapshotLock } from '../../ports.ts';
import type { SourceDiscovery } from '../discover.ts';
import type { DestinationCopies } from '../reconcile.ts';
import type { StopReason } from '../stop.ts';
import type { Shard } from '../types.ts';
import type { WorkItem } from './item.ts';
import type { RpoBreach, StaleSource } from './rpo.ts';

/** What the plan knows of one destination: its copies, locks, and whether it is stopped. */
export interface DestinationInput {
  dest: Destination;
  copies: DestinationCopies;
  /** Locks of the completed copies (DescribeLockedSnapshots), for a destination with `lock`. */
  locks?: ReadonlyMap<string, SnapshotLock>;
  /** Why the locks are unknown this run: nothing is locked or pruned there. */
  locksUnknown?: StopReason;
  /** Why nothing can be done in this destination this run (preflight, listing). */
  stopped?: StopReason;
}

export interface WorkPlan {
  items: WorkItem[];
  rpoBreaches: RpoBreach[];
  /** Disks that stopped producing snapshots (not retired), past rpoHours. */
  staleSources?: StaleSource[];
}

export interface PlanInput {
  policy: Policy;
  now: Date;
  sources: SourceDiscovery[];
  destinations: DestinationInput[];
  shard?: Shard | undefined;
}
