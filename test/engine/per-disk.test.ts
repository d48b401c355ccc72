import { afterEach, describe, expect, it } from 'vitest';
import { type Bed, copiesIn, finishCopies, policy, run, startBed } from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

describe('runPolicy: one unfinished copy per disk per destination', () => {
  it('never sends a second CopySnapshot for a disk while its copy is unfinished', async () => {
    bed = await startBed({ disksPerRegion: 3, snapshotsPerDisk: 3 });
    const p = policy({ destinations: [{ region: 'cn-beijing' }, { region: 'ap-southeast-1' }] });

    // Runs while copies are still running, then after they finished, until all are copied.
    for (let round = 0; round < 3; round++) {
      await run(bed, p);
      await run(bed, p);
      finishCopies(bed);
    }

    const refused = bed.emu.admin
      .calls({ action: 'CopySnapshot' })
      .filter((c) => c.code === 'InvalidOperation.UnfinishedCrossRegionCopy');
    expect(refused).toEqual([]);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(9);
    expect(copiesIn(bed, 'ap-southeast-1')).toHaveLength(9);
  });

  it('copies a disk’s snapshots oldest first', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 3 });
    const sources = bed.emu.admin
      .snapshots('cn-hangzhou')
      .sort((a, b) => a.creationTime - b.creationTime)
      .map((s) => s.snapshotId);

    for (let round = 0; round < 3; round++) {
      await run(bed, policy());
      finishCopies(bed);
    }

    const order = bed.emu.admin.calls({ action: 'CopySnapshot' }).map((c) => c.params.SnapshotId);
    expect(order).toEqual(sources);
  });
});
