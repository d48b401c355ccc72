import { PROVENANCE_TAG_KEYS } from '../policy/render.ts';
import type { Snapshot } from '../ports.ts';

/**
 * One provenance rule for every step (reconcile, plan, prune, status): a destination snapshot
 * is "this policy's copy of S" only when ECS itself says it is a copy of S (`SourceSnapshotId`,
 * and `SourceRegionId` when reported) AND the policy's provenance tags agree. Tags alone are
 * never enough: anyone allowed to tag can put our tags on a hand-made snapshot, and a tool that
 * deletes what it did not copy is worse than no tool.
 */

export const CopyVerdict = {
  /** Our copy: ECS and our tags agree. Counted, followed, and (within the rules) prunable. */
  Ours: 'ours',
  /** Carries the policy's tag but ECS reports no SourceSnapshotId: made by hand, not a copy. */
  NotACopy: 'not-a-copy',
  /** ECS says it is a copy of one snapshot, our tags claim another (or another region). */
  TagsDisagree: 'tags-disagree',
} as const;
export type CopyVerdict = (typeof CopyVerdict)[keyof typeof CopyVerdict];

export interface CopyOrigin {
  /** Source region (ECS's SourceRegionId, else our tag). */
  region: string;
  /** Source snapshot id: ECS's SourceSnapshotId. */
  snapshotId: string;
  /** Source disk id: our tag (ECS does not report a copy's source disk). */
  diskId: string;
}

export type Provenance =
  | { verdict: typeof CopyVerdict.Ours; origin: CopyOrigin }
  | { verdict: typeof CopyVerdict.NotACopy | typeof CopyVerdict.TagsDisagree; reason: string };

/** Applies the rule to one snapshot that carries `dr-replicator:policy=<policyName>`. */
export function provenanceOf(snapshot: Snapshot, policyName: string): Provenance {
  const tags = snapshot.tags;
  const taggedSource = tags[PROVENANCE_TAG_KEYS.sourceSnapshot];
  const taggedRegion = tags[PROVENANCE_TAG_KEYS.sourceRegion];
  const where = `${snapshot.snapshotId} in ${snapshot.regionId}`;
  if (tags[PROVENANCE_TAG_KEYS.policy] !== policyName) {
    return {
      verdict: CopyVerdict.TagsDisagree,
      reason: `${where} is not tagged ${PROVENANCE_TAG_KEYS.policy}=${policyName}`,
    };
  }
  if (!snapshot.sourceSnapshotId) {
    return {
      verdict: CopyVerdict.NotACopy,
      reason: `${where} carries this policy's tags but ECS reports no SourceSnapshotId: it was not made by CopySnapshot, so it is never counted as a copy nor pruned`,
    };
  }
  const regionDisagrees =
    snapshot.sourceRegionId !== undefined &&
    taggedRegion !== undefined &&
    snapshot.sourceRegionId !== taggedRegion;
  if (taggedSource !== snapshot.sourceSnapshotId || regionDisagrees) {
    const actual = `${snapshot.sourceRegionId ? `${snapshot.sourceRegionId}/` : ''}${snapshot.sourceSnapshotId}`;
    return {
      verdict: CopyVerdict.TagsDisagree,
      reason: `${where} is tagged ${PROVENANCE_TAG_KEYS.sourceSnapshot}=${taggedSource ?? '(none)'}${taggedRegion ? ` in ${taggedRegion}` : ''} but ECS says it was copied from ${actual}: its tags were edited, so it counts as a copy of neither and is never pruned. Fix its tags or delete it by hand`,
    };
  }
  return {
    verdict: CopyVerdict.Ours,
    origin: {
      region: snapshot.sourceRegionId ?? taggedRegion ?? '',
      snapshotId: snapshot.sourceSnapshotId,
      diskId: tags[PROVENANCE_TAG_KEYS.sourceDisk] ?? '',
    },
  };
}

/** Where a source snapshot came from, if it is itself a copy or one of ours (loop guard). */
export function sourceExclusion(snapshot: Snapshot): string | undefined {
  if (snapshot.sourceSnapshotId) {
    const from = `${snapshot.sourceRegionId ? `${snapshot.sourceRegionId}/` : ''}${snapshot.sourceSnapshotId}`;
    const by = snapshot.tags[PROVENANCE_TAG_KEYS.policy]
      ? `dr-replicator policy ${snapshot.tags[PROVENANCE_TAG_KEYS.policy]}`
      : 'another mechanism (an automatic snapshot policy copy, a console or API CopySnapshot)';
    return `is a copy of ${from} made by ${by}: copies are never copied again`;
  }
  const ours = Object.keys(snapshot.tags).find((k) => k.startsWith('dr-replicator:'));
  if (ours !== undefined) {
    return `carries the dr-replicator tag ${ours} (loop guard): snapshots with our tags are never sources`;
  }
  return undefined;
}
