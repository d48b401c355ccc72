import { afterEach, describe, expect, it } from 'vitest';
import { planPolicy } from '../../lib/engine/run.ts';
import { type Bed, copiesIn, finishCopies, policy, run, startBed } from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

const SOURCE_TAG = 'dr-replicator:source-snapshot';

/** Two disks, one snapshot each, both copied; then one copy's tag is edited to claim the other. */
async function tamperedBed() {
  const b = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 1 });
  await run(b, policy());
  finishCopies(b);
  await run(b, policy());
  const [first, second] = copiesIn(b, 'cn-beijing');
  if (!first?.sourceSnapshotId || !second?.sourceSnapshotId) throw new Error('no copies');
  await b.cloud.ecs.tagSnapshots('cn-beijing', [second.snapshotId], {
    [SOURCE_TAG]: first.sourceSnapshotId,
  });
  return { b, claimed: first.sourceSnapshotId, tampered: second };
}

describe('runPolicy: a copy whose provenance tag and SourceSnapshotId disagree', () => {
  it('records one failed item naming the copy, both sources and ProvenanceMismatch', async () => {
    const { b, claimed, tampered } = await tamperedBed();
    bed = b;

    const ran = await run(b, policy());

    const flagged = ran.items.filter((i) => i.errorCode === 'ProvenanceMismatch');
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatchObject({
      outcome: 'failed',
      sourceSnapshotId: claimed,
      copySnapshotId: tampered.snapshotId,
      destRegion: 'cn-beijing',
    });
    expect(flagged[0]?.message).toContain(tampered.sourceSnapshotId);
    expect(ran.summary.exitCode).toBe(1);
  });

  it('counts the tampered snapshot as a copy of neither: re-copies its real source once, deletes nothing', async () => {
    const { b, tampered } = await tamperedBed();
    bed = b;

    const ran = await run(b, policy());
    // The first source still has its real copy; the second one's copy no longer counts.
    const recopies = ran.items.filter((i) => i.outcome === 're-copy');
    expect(recopies).toEqual([
      expect.objectContaining({ sourceSnapshotId: tampered.sourceSnapshotId }),
    ]);
    expect(recopies[0]?.copySnapshotId).not.toBe(tampered.snapshotId);
    expect(copiesIn(b, 'cn-beijing').map((c) => c.snapshotId)).toContain(tampered.snapshotId);
    // A later run copies nothing more: the new copy is a copy of the second source.
    finishCopies(b);
    const before = b.emu.admin.calls({ action: 'CopySnapshot' }).length;
    await run(b, policy());
    expect(b.emu.admin.calls({ action: 'CopySnapshot' })).toHaveLength(before);
  });

  it('shows the mismatch in the plan as a fail with its code', async () => {
    const { b, tampered } = await tamperedBed();
    bed = b;

    const plan = await planPolicy({ policy: policy(), cloud: b.cloud, now: b.now });

    const flagged = JSON.parse(JSON.stringify(plan.items)).filter(
      (i: { errorCode?: string }) => i.errorCode === 'ProvenanceMismatch',
    );
    expect(flagged).toEqual([
      expect.objectContaining({ action: 'fail', copySnapshotId: tampered.snapshotId }),
    ]);
    expect(flagged[0].reason).toMatch(/^will fail: /);
  });
});
