import { PairMap } from '../../domain/pair-map.ts';
import type { Snapshot } from '../../ports.ts';
import { type DiskContext, planDisk } from './disk.ts';
import { excludedItems } from './excluded.ts';
import type { PlanInput, WorkPlan } from './input.ts';
import type { WorkItem } from './item.ts';
import { followOrphans, foreignItems } from './orphans.ts';
import { pruneItems } from './prune-plan.ts';
import { findStaleSources, type RpoBreach } from './rpo.ts';

/**
 * The plan, by concern: item.ts (the memory-conscious PlannedItem), disk.ts (one disk's
 * decisions in one destination), copies.ts (what existing copies of a pair say), orphans.ts
 * (copies whose source is out of lookback, snapshots that are not our copies), excluded.ts
 * (selected but never copied), prune-plan.ts (keepLast by recovery point), rpo.ts (RPO
 * breaches and stale sources).
 */
export type { DestinationInput, PlanInput, WorkPlan } from './input.ts';
export { toPlanItem, type WorkItem } from './item.ts';
export type { RpoBreach, StaleSource } from './rpo.ts';

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
  // Pairs of discovered snapshots: a destination's other copies are orphans (out of lookback).
  const discovered = new PairMap<true>();
  for (const snapshots of byDisk.values()) {
    for (const s of snapshots) discovered.set(s.regionId, s.snapshotId, true);
  }
  for (const destination of input.destinations) {
    const disk: DiskContext = { policy, now, input: destination, sourceTimes };
    for (const snapshots of byDisk.values()) {
      const decided = planDisk(disk, snapshots);
      for (const item of decided.items) items.push(item);
      if (decided.breach) rpoBreaches.push(decided.breach);
    }
    if (!destination.stopped) items.push(...followOrphans(destination, discovered, input.shard));
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
  copies.sort((a, b) => b.debtRank - a.debtRank);
  const rest = items.filter((i) => i.action !== 'copy');
  return { items: copies.concat(rest), rpoBreaches, staleSources };
}
