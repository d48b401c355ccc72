import { afterEach, describe, expect, it } from 'vitest';
import { syntheticWorld } from '../../emulator/index.ts';
import type { EcsApi } from '../../lib/ports.ts';
import { type Bed, copiesIn, finishCopies, policy, run, startBed, T0 } from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

const copyCallsTo = (b: Bed, dest: string) =>
  b.emu.admin
    .calls({ action: 'CopySnapshot' })
    .filter((c) => c.params.DestinationRegionId === dest && c.code !== 'Throttling');

describe('runPolicy: what each error class does', () => {
  it('stops only the destination whose KMS key is disabled, with an alert naming the key', async () => {
    bed = await startBed({ disksPerRegion: 3, snapshotsPerDisk: 1 });
    bed.emu.admin.setKeyState('cn-beijing', 'key-cn-beijing', 'Disabled');
    const p = policy({
      destinations: [
        { region: 'cn-beijing', encrypted: true, kmsKeyId: 'key-cn-beijing' },
        { region: 'ap-southeast-1', encrypted: true, kmsKeyId: 'key-ap-southeast-1' },
      ],
    });

    const result = await run(bed, p);

    const alerts = result.records.filter((r) => r.kind === 'alert');
    expect(alerts).toEqual([
      expect.objectContaining({
        alert: 'destination-stopped',
        destRegion: 'cn-beijing',
        message: expect.stringContaining('key-cn-beijing'),
      }),
    ]);
    expect(copyCallsTo(bed, 'cn-beijing')).toHaveLength(0);
    expect(copiesIn(bed, 'ap-southeast-1')).toHaveLength(3);
    const beijing = result.summary.destinations.find((d) => d.region === 'cn-beijing');
    expect(beijing?.stopped?.errorCode).toBe('KmsKeyNotEnabled');
    expect(beijing?.counts.deferred).toBe(3);
    expect(result.summary.exitCode).toBe(1);
  });

  it('stops a destination whose snapshot quota is full and goes on with the others', async () => {
    bed = await startBed({ disksPerRegion: 3, snapshotsPerDisk: 1 });
    bed.emu.admin.setQuota('cn-beijing', 0);
    const p = policy({
      destinations: [
        { region: 'cn-beijing', maxConcurrentCopies: 1 },
        { region: 'ap-southeast-1' },
      ],
    });

    const result = await run(bed, p);

    const beijing = result.items.filter((i) => i.destRegion === 'cn-beijing');
    expect(beijing.map((i) => i.outcome).sort()).toEqual(['deferred', 'deferred', 'failed']);
    expect(copyCallsTo(bed, 'cn-beijing')).toHaveLength(1);
    expect(result.summary.destinations[0]?.stopped?.errorCode).toBe('QuotaExceed.SnapshotQuota');
    expect(copiesIn(bed, 'ap-southeast-1')).toHaveLength(3);
  });

  it('aborts the run with exit code 3 when the account has no balance', async () => {
    bed = await startBed({ disksPerRegion: 4, snapshotsPerDisk: 1 });
    bed.emu.admin.setAccount({ balanceOk: false });
    const p = policy({ destinations: [{ region: 'cn-beijing', maxConcurrentCopies: 1 }] });

    const result = await run(bed, p);

    expect(result.summary.exitCode).toBe(3);
    expect(result.summary.aborted?.errorCode).toBe('InvalidAccountStatus.NotEnoughBalance');
    expect(result.run.exitCode).toBe(3);
    expect(copyCallsTo(bed, 'cn-beijing')).toHaveLength(1);
    expect(result.summary.totals).toMatchObject({ failed: 1, deferred: 3, started: 0 });
    expect(result.records.filter((r) => r.kind === 'alert')).toEqual([
      expect.objectContaining({
        alert: 'run-aborted',
        errorCode: 'InvalidAccountStatus.NotEnoughBalance',
      }),
    ]);
  });

  it('defers a source that is not ready yet and copies it on the next run', async () => {
    bed = await startBed();
    const world = syntheticWorld({
      regions: ['cn-hangzhou'],
      disksPerRegion: 1,
      snapshotsPerDisk: 0,
      now: T0,
    });
    const disk = world.disks[0];
    if (!disk) throw new Error('no disk');
    world.snapshots.push({
      snapshotId: 's-notready0000000001',
      regionId: 'cn-hangzhou',
      diskId: disk.diskId,
      creationTime: new Date(T0.getTime() - 60_000).toISOString(),
      status: 'progressing',
      progress: 90,
      completesAt: new Date(T0.getTime() + 3_600_000).toISOString(),
    });
    bed.emu.admin.loadWorld(world);
    // A listing that is ahead of the copy service: it already calls the snapshot accomplished.
    const real = bed.cloud.ecs;
    const eager: EcsApi = {
      ...real,
      describeSnapshots: async (query, token) => {
        const page = await real.describeSnapshots({ ...query, status: 'all' }, token);
        return {
          ...page,
          snapshots: page.snapshots.map((s) =>
            s.regionId === 'cn-hangzhou' ? { ...s, status: 'accomplished' as const } : s,
          ),
        };
      },
    };

    const first = await run(bed, policy(), { cloud: { ...bed.cloud, ecs: eager } });
    bed.emu.admin.advanceClock(2 * 3600);
    const second = await run(bed, policy());

    expect(first.items).toEqual([
      expect.objectContaining({ outcome: 'deferred', errorCode: 'InvalidSnapshotId.NotReady' }),
    ]);
    expect(first.summary.exitCode).toBe(0);
    expect(second.items).toEqual([
      expect.objectContaining({ outcome: 'started', sourceSnapshotId: 's-notready0000000001' }),
    ]);
  });

  it('defers a disk whose copy from elsewhere is unfinished, and copies it next run', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 1 });
    // Another policy copies the same disks first: the per-disk rule now blocks ours.
    await run(bed, policy({ name: 'other-policy' }));

    const blocked = await run(bed, policy());
    finishCopies(bed);
    const next = await run(bed, policy());

    expect(blocked.items.map((i) => [i.outcome, i.errorCode])).toEqual([
      ['deferred', 'InvalidOperation.UnfinishedCrossRegionCopy'],
      ['deferred', 'InvalidOperation.UnfinishedCrossRegionCopy'],
    ]);
    expect(next.summary.totals.started).toBe(2);
  });

  it('fails the item, not the run, when the API refuses what the policy asked for', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 1 });
    // A tag value with a URL passes the schema alone but CopySnapshot refuses it.
    const p = policy({ copy: { tags: { owner: 'http://example.com' } } });

    const result = await run(bed, p);

    expect(result.items.map((i) => [i.outcome, i.errorCode])).toEqual([
      ['failed', 'InvalidTagValue.Malformed'],
      ['failed', 'InvalidTagValue.Malformed'],
    ]);
    expect(result.summary.exitCode).toBe(1);
  });

  it('never makes a plaintext copy of an encrypted source when the destination has no key', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 1, encryptedFraction: 1 });

    const result = await run(bed, policy());

    expect(result.items.map((i) => [i.outcome, i.errorCode])).toEqual([
      ['failed', 'PolicyError.EncryptedSourceWithoutKey'],
      ['failed', 'PolicyError.EncryptedSourceWithoutKey'],
    ]);
    expect(bed.emu.admin.calls({ action: 'CopySnapshot' })).toHaveLength(0);
  });

  it('copies an encrypted source encrypted with the destination key', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1, encryptedFraction: 1 });

    await run(
      bed,
      policy({ destinations: [{ region: 'cn-beijing', kmsKeyId: 'key-cn-beijing' }] }),
    );

    expect(copiesIn(bed, 'cn-beijing')).toEqual([
      expect.objectContaining({ encrypted: true, kmsKeyId: 'key-cn-beijing' }),
    ]);
  });
});
