import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import type { Snapshot } from '../../lib/ports.ts';
import type { AlertRecord, ItemRecord, RunRecord } from '../../lib/records/types.ts';

/** Plain-data builders for status tests: a copy as DescribeSnapshots lists it, and records. */

export const POLICY = 'nightly-dr';
export const HOUR = 3_600_000;

/** The wall-clock time `ms` ago, in the API's second-precision ISO form. */
export function ago(ms: number): string {
  return new Date(Date.now() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function copy(
  fields: Partial<Snapshot> & { snapshotId: string; regionId: string; disk: string; from?: string },
): Snapshot {
  const { disk, from = 'cn-hangzhou', ...rest } = fields;
  const sourceSnapshotId = `s-src-${fields.snapshotId}`;
  return {
    name: `dr-${fields.snapshotId}`,
    description: 'DR copy',
    status: 'accomplished',
    progress: 100,
    creationTime: '2026-11-27T10:00:00Z',
    sourceDiskId: disk,
    sourceDiskSize: 40,
    snapshotType: 'user',
    category: 'Standard',
    encrypted: false,
    tags: {
      [PROVENANCE_TAG_KEYS.policy]: POLICY,
      [PROVENANCE_TAG_KEYS.sourceSnapshot]: sourceSnapshotId,
      [PROVENANCE_TAG_KEYS.sourceRegion]: from,
      [PROVENANCE_TAG_KEYS.sourceDisk]: disk,
    },
    ...rest,
  };
}

export function item(
  fields: Partial<ItemRecord> & Pick<ItemRecord, 'diskId' | 'destRegion'>,
): ItemRecord {
  return {
    kind: 'item',
    runId: 'run-1',
    policy: POLICY,
    time: '2026-11-27T10:00:00Z',
    sourceRegion: 'cn-hangzhou',
    sourceSnapshotId: 's-src-1',
    outcome: 'started',
    attempts: 1,
    durationMs: 120,
    message: 'copy started',
    ...fields,
  };
}

export function run(
  fields: Partial<RunRecord> & Pick<RunRecord, 'runId' | 'finishedAt'>,
): RunRecord {
  return {
    kind: 'run',
    policy: POLICY,
    time: fields.finishedAt,
    startedAt: fields.finishedAt,
    durationMs: 4_000,
    exitCode: 0,
    totals: {
      started: 1,
      'already-copied': 0,
      'in-progress': 0,
      completed: 0,
      failed: 0,
      skipped: 0,
      deferred: 0,
      pruned: 0,
      're-copy': 0,
      restored: 0,
      'restore-failed': 0,
    },
    apiCalls: { DescribeSnapshots: 3, CopySnapshot: 1 },
    message: 'run finished',
    ...fields,
  };
}

export function alert(fields: Partial<AlertRecord> & Pick<AlertRecord, 'alert'>): AlertRecord {
  return {
    kind: 'alert',
    runId: 'run-1',
    policy: POLICY,
    time: '2026-11-27T10:00:00Z',
    message: 'alert',
    ...fields,
  };
}
