import { afterEach, describe, expect, it } from 'vitest';
import { createCloudClients } from '../../lib/cloud/clients.ts';
import { planPolicy } from '../../lib/engine/run.ts';
import type { EcsApi } from '../../lib/ports.ts';
import { type Bed, copiesIn, finishCopies, policy, run, startBed } from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

/** Copies every snapshot of every disk (oldest first, one per run), completing each. */
async function copyEverything(b: Bed, runs: number) {
  for (let i = 0; i < runs; i++) {
    await run(b, policy());
    finishCopies(b);
  }
  await run(b, policy()); // records the last completions
}

describe('runPolicy: pruning (keepLast)', () => {
  it('deletes copies beyond the newest N per disk and records each as pruned', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 4 });
    await copyEverything(bed, 4);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(8);
    const p = policy({ destinations: [{ region: 'cn-beijing', keepLast: 1 }] });

    const result = await run(bed, p);

    const pruned = result.items.filter((i) => i.outcome === 'pruned');
    expect(pruned).toHaveLength(6);
    const left = copiesIn(bed, 'cn-beijing');
    expect(left).toHaveLength(2);
    // What is left is the newest copy of each disk.
    for (const disk of new Set(left.map((c) => c.sourceDiskId))) {
      const all = bed.emu.admin.snapshots('cn-hangzhou').filter((s) => s.sourceDiskId === disk);
      const newest = all.sort((a, b) => b.creationTime - a.creationTime)[0];
      expect(left.find((c) => c.sourceDiskId === disk)?.sourceSnapshotId).toBe(newest?.snapshotId);
    }
  });

  it('does not copy again what it pruned', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 3 });
    await copyEverything(bed, 3);
    const p = policy({ destinations: [{ region: 'cn-beijing', keepLast: 1 }] });
    await run(bed, p);

    const next = await run(bed, p);

    expect(next.summary.apiCalls.CopySnapshot ?? 0).toBe(0);
    expect(next.summary.totals.pruned).toBe(0);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(2);
  });

  it('deletes at most maxDeletesPerRun copies per run', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 4 });
    await copyEverything(bed, 4);
    const p = policy({
      destinations: [{ region: 'cn-beijing', keepLast: 1 }],
      limits: { maxDeletesPerRun: 4 },
    });

    const result = await run(bed, p);

    expect(result.summary.totals.pruned).toBe(4);
    expect(bed.emu.admin.calls({ action: 'DeleteSnapshot' })).toHaveLength(4);
  });

  it('never deletes snapshots that do not carry this policy’s tag', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 3 });
    for (let i = 0; i < 3; i++) {
      await run(bed, policy({ name: 'someone-else' }));
      finishCopies(bed);
    }
    const theirs = copiesIn(bed, 'cn-beijing', 'someone-else');
    expect(theirs).toHaveLength(3);

    await run(bed, policy({ destinations: [{ region: 'cn-beijing', keepLast: 1 }] }));

    expect(copiesIn(bed, 'cn-beijing', 'someone-else')).toHaveLength(3);
  });

  it('never prunes in a destination whose listing failed this run', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 3 });
    await copyEverything(bed, 3);
    const real = bed.cloud.ecs;
    // Listing copies in the destination fails (after retries); the sources list fine.
    const brokenDestination: EcsApi = {
      ...real,
      describeSnapshots: async (query, token) => {
        if (query.regionId === 'cn-beijing') {
          const denied = createCloudClients({
            credentials: { accessKeyId: 'LTAIunknown', accessKeySecret: 'x' },
            endpoint: bed?.emu.url,
          });
          return denied.ecs.describeSnapshots({ ...query, regionId: 'cn-beijing' }, token);
        }
        return real.describeSnapshots(query, token);
      },
    };

    const result = await run(
      bed,
      policy({ destinations: [{ region: 'cn-beijing', keepLast: 1 }] }),
      {
        cloud: { ...bed.cloud, ecs: brokenDestination },
      },
    );

    expect(bed.emu.admin.calls({ action: 'DeleteSnapshot' })).toHaveLength(0);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(3);
    expect(result.summary.exitCode).toBeGreaterThan(0);
  });

  it('shows what would be pruned in the plan, and deletes nothing', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 3 });
    await copyEverything(bed, 3);

    const plan = await planPolicy({
      policy: policy({ destinations: [{ region: 'cn-beijing', keepLast: 2 }] }),
      cloud: bed.cloud,
      now: bed.now,
    });

    expect(plan.items.filter((i) => i.action === 'prune')).toHaveLength(1);
    expect(plan.apiCalls.wouldMake.DeleteSnapshot).toBe(1);
    expect(bed.emu.admin.calls({ action: 'DeleteSnapshot' })).toHaveLength(0);
  });
});
