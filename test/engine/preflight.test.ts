import { afterEach, describe, expect, it } from 'vitest';
import { syntheticWorld } from '../../emulator/index.ts';
import { type Bed, copiesIn, policy, run, startBed, T0 } from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

/** The default synthetic world plus one Enabled but asymmetric key in cn-beijing. */
async function bedWithAsymmetricKey(): Promise<Bed> {
  const b = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 1 });
  const world = syntheticWorld({
    regions: ['cn-hangzhou'],
    disksPerRegion: 2,
    snapshotsPerDisk: 1,
    now: T0,
    destinations: ['cn-beijing'],
  });
  world.kmsKeys.push({ keyId: 'key-rsa-beijing', regionId: 'cn-beijing', spec: 'RSA_2048' });
  b.emu.admin.loadWorld(world);
  return b;
}

describe('preflight: the destination KMS key', () => {
  it('stops a destination whose Enabled key is asymmetric before any CopySnapshot is sent', async () => {
    bed = await bedWithAsymmetricKey();
    const p = policy({
      destinations: [{ region: 'cn-beijing', encrypted: true, kmsKeyId: 'key-rsa-beijing' }],
    });

    const ran = await run(bed, p);

    expect(bed.emu.admin.calls({ action: 'CopySnapshot' })).toHaveLength(0);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(0);
    const beijing = ran.summary.destinations.find((d) => d.region === 'cn-beijing');
    expect(beijing?.stopped?.errorCode).toBe('KmsKeyNotSymmetric');
    expect(ran.items.map((i) => i.outcome)).toEqual(['deferred', 'deferred']);
    expect(ran.summary.exitCode).toBe(1);
  });
});
