import { describe, expect, it } from 'vitest';
import { clientToken } from '../../lib/engine/client-token.ts';
import { buildCopyRequest } from '../../lib/engine/copy-request.ts';
import type { SourceDiscovery } from '../../lib/engine/discover.ts';
import {
  type DestinationInput,
  planWork,
  toPlanItem,
  type WorkItem,
} from '../../lib/engine/plan/index.ts';
import { indexCopies, REPORTED_TAG_KEY } from '../../lib/engine/reconcile.ts';
import type { Policy, PolicyInput } from '../../lib/policy/schema.ts';
import type { Snapshot } from '../../lib/ports.ts';
import { policy } from './support/harness.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

function source(
  id: string,
  disk: string,
  ageHours: number,
  extra: Partial<Snapshot> = {},
): Snapshot {
  return {
    snapshotId: id,
    regionId: 'cn-hangzhou',
    name: `auto-${id}`,
    description: '',
    status: 'accomplished',
    progress: 100,
    creationTime: hoursAgo(ageHours),
    sourceDiskId: disk,
    sourceDiskSize: 40,
    snapshotType: 'auto',
    category: 'standard',
    encrypted: false,
    tags: {},
    ...extra,
  };
}

function copyOf(
  src: Snapshot,
  status: Snapshot['status'],
  ageHours: number,
  extra: Record<string, string> = {},
): Snapshot {
  return source(`c-${src.snapshotId}-${status}-${ageHours}`, src.sourceDiskId, ageHours, {
    regionId: 'cn-beijing',
    status,
    tags: {
      'dr-replicator:policy': 'dr-test',
      'dr-replicator:source-snapshot': src.snapshotId,
      'dr-replicator:source-region': 'cn-hangzhou',
      'dr-replicator:source-disk': src.sourceDiskId,
      ...extra,
    },
    sourceSnapshotId: src.snapshotId,
    sourceRegionId: 'cn-hangzhou',
  });
}

function plan(
  snapshots: Snapshot[],
  copies: Snapshot[] = [],
  overrides: Partial<PolicyInput> = {},
) {
  const p: Policy = policy(overrides);
  const sources: SourceDiscovery[] = [
    { region: 'cn-hangzhou', snapshots, excluded: [], truncated: false, pages: 1, routes: [] },
  ];
  const destinations: DestinationInput[] = p.destinations.map((dest) => ({
    dest,
    copies: indexCopies(
      dest.region,
      p.name,
      copies.filter((c) => c.regionId === dest.region),
    ),
  }));
  return { ...planWork({ policy: p, now: NOW, sources, destinations }), policy: p };
}

/** The request execution would send for a planned copy. */
const requestOf = (p: Policy, copy: WorkItem['copyOf']) =>
  copy ? buildCopyRequest(p, copy.source, copy.dest, copy.generation) : undefined;

const actions = (items: { sourceSnapshotId: string; action: string }[]) =>
  Object.fromEntries(items.map((i) => [i.sourceSnapshotId, i.action]));

describe('planWork', () => {
  it('copies a disk’s snapshots oldest first, one at a time per destination', () => {
    const snaps = [source('s1', 'd1', 30), source('s2', 'd1', 20), source('s3', 'd1', 10)];

    const { items } = plan(snaps);

    expect(actions(items)).toEqual({ s1: 'copy', s2: 'deferred', s3: 'deferred' });
  });

  it('waits for an unfinished copy of the disk before starting the next one', () => {
    const s1 = source('s1', 'd1', 30);
    const s2 = source('s2', 'd1', 20);

    const { items } = plan([s1, s2], [copyOf(s1, 'progressing', 1)]);

    expect(actions(items)).toEqual({ s1: 'in-progress', s2: 'deferred' });
    expect(items.find((i) => i.sourceSnapshotId === 's2')?.reason).toMatch(
      /unfinished copy per disk/,
    );
  });

  it('copies only the newest snapshot of a disk in copyMode latest', () => {
    const snaps = [source('s1', 'd1', 30), source('s2', 'd1', 20), source('s3', 'd1', 10)];

    const { items } = plan(snaps, [], {
      source: { regions: ['cn-hangzhou'], copyMode: 'latest', lookbackHours: 72 },
    });

    expect(actions(items)).toEqual({ s1: 'skipped', s2: 'skipped', s3: 'copy' });
  });

  it('reports a finished copy as completed once, then as already copied', () => {
    const s1 = source('s1', 'd1', 30);
    const s2 = source('s2', 'd2', 30);

    const { items } = plan(
      [s1, s2],
      [
        copyOf(s1, 'accomplished', 2),
        copyOf(s2, 'accomplished', 2, { [REPORTED_TAG_KEY]: 'completed' }),
      ],
    );

    expect(items.map((i) => [i.sourceSnapshotId, i.outcome])).toEqual([
      ['s1', 'completed'],
      ['s2', 'already-copied'],
    ]);
  });

  it('uses a new ClientToken after a failed copy, the same one otherwise', () => {
    const s1 = source('s1', 'd1', 30);
    const fresh = plan([s1]).items[0];
    const again = plan([s1]).items[0];
    const afterFailure = plan([s1], [copyOf(s1, 'failed', 5)]).items.find(
      (i) => i.action === 'copy',
    );

    expect(again?.clientToken).toBe(fresh?.clientToken);
    expect(fresh?.clientToken).toBe(
      clientToken({
        policy: 'dr-test',
        sourceRegion: 'cn-hangzhou',
        snapshotId: 's1',
        destRegion: 'cn-beijing',
        generation: 0,
      }),
    );
    expect(afterFailure?.clientToken).toBe(
      clientToken({
        policy: 'dr-test',
        sourceRegion: 'cn-hangzhou',
        snapshotId: 's1',
        destRegion: 'cn-beijing',
        generation: 1,
      }),
    );
    expect(fresh?.clientToken).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records a failed copy once and retries the pair in the same plan', () => {
    const s1 = source('s1', 'd1', 30);

    const { items } = plan([s1], [copyOf(s1, 'failed', 5)]);

    expect(items.map((i) => [i.action, i.outcome])).toEqual([
      ['copy', 'started'],
      ['fail', 'failed'],
    ]);
  });

  it('starts with the stalest disk (largest RPO debt), disks without any copy first', () => {
    const fresh = source('fresh-new', 'd-fresh', 1);
    const freshOld = source('fresh-old', 'd-fresh', 50);
    const stale = source('stale-new', 'd-stale', 1);
    const staleOld = source('stale-old', 'd-stale', 50);
    const never = source('never', 'd-never', 1);

    const { items } = plan(
      [fresh, stale, never],
      [copyOf(freshOld, 'accomplished', 2), copyOf(staleOld, 'accomplished', 48)],
    );

    expect(items.filter((i) => i.action === 'copy').map((i) => i.sourceSnapshotId)).toEqual([
      'never',
      'stale-new',
      'fresh-new',
    ]);
  });

  it('keeps copy tags within 20 with provenance tags always present', () => {
    const tags = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, `v${i}`]));
    const s1 = source('s1', 'd1', 3, { tags });

    const planned = plan([s1], [], { copy: { tags: { team: 'dr' }, copySourceTags: true } });

    const sent = requestOf(planned.policy, planned.items[0]?.copyOf)?.tags ?? {};
    expect(Object.keys(sent).length).toBeLessThanOrEqual(19); // one slot left for the reported tag
    expect(sent).toMatchObject({
      team: 'dr',
      'dr-replicator:policy': 'dr-test',
      'dr-replicator:source-snapshot': 's1',
      'dr-replicator:source-region': 'cn-hangzhou',
      'dr-replicator:source-disk': 'd1',
    });
  });

  it('refuses a plaintext copy of an encrypted source when the destination has no key', () => {
    const s1 = source('s1', 'd1', 3, { encrypted: true });

    const [item] = plan([s1]).items;

    expect(item).toMatchObject({
      action: 'fail',
      outcome: 'failed',
      errorCode: 'PolicyError.EncryptedSourceWithoutKey',
    });
    expect(item?.copyOf).toBeUndefined();
    expect(item?.reason).toMatch(/^will fail: s1 is encrypted/);
    expect(item && toPlanItem(item)).toMatchObject({
      errorCode: 'PolicyError.EncryptedSourceWithoutKey',
    });
  });

  it('sends Encrypted and the destination key for an encrypted source', () => {
    const s1 = source('s1', 'd1', 3, { encrypted: true });

    const planned = plan([s1], [], {
      destinations: [{ region: 'cn-beijing', kmsKeyId: 'key-1', retentionDays: 30 }],
    });

    expect(requestOf(planned.policy, planned.items[0]?.copyOf)).toMatchObject({
      encrypted: true,
      kmsKeyId: 'key-1',
      retentionDays: 30,
    });
  });

  it('raises an RPO breach for a disk whose newest completed copy is older than rpoHours', () => {
    const s1 = source('s1', 'd1', 1);
    const old = source('s0', 'd1', 40);

    const { rpoBreaches } = plan([s1], [copyOf(old, 'accomplished', 30)], {
      destinations: [{ region: 'cn-beijing', rpoHours: 24 }],
    });

    expect(rpoBreaches).toEqual([expect.objectContaining({ diskId: 'd1', rpoHours: 24 })]);
  });

  it('measures RPO from the source snapshot a copy holds, not from when the copy was made', () => {
    const s0 = source('s0', 'd1', 40);
    const s1 = source('s1', 'd1', 1);

    // A late copy: made 2 h ago, of a snapshot taken 40 h ago; s1 is not copied yet.
    const { rpoBreaches, items } = plan([s0, s1], [copyOf(s0, 'accomplished', 2)], {
      destinations: [{ region: 'cn-beijing', rpoHours: 24 }],
    });

    expect(rpoBreaches).toEqual([
      expect.objectContaining({ diskId: 'd1', hours: 40, copySnapshotId: 'c-s0-accomplished-2' }),
    ]);
    expect(items.find((i) => i.action === 'copy')?.stalenessHours).toBe(40);
  });
});
