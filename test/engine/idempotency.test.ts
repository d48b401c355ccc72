import { afterEach, describe, expect, it } from 'vitest';
import { createCloudClients } from '../../lib/cloud/clients.ts';
import {
  type Bed,
  copiesIn,
  duplicatedSources,
  finishCopies,
  policy,
  run,
  startBed,
} from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

describe('runPolicy: no duplicate copies', () => {
  it('creates nothing on a second run while the first run’s copies are in flight', async () => {
    bed = await startBed({ disksPerRegion: 4, snapshotsPerDisk: 1 });
    const p = policy();
    const first = await run(bed, p);
    expect(first.summary.totals.started).toBe(4);

    const second = await run(bed, p);

    expect(second.summary.apiCalls.CopySnapshot ?? 0).toBe(0);
    expect(second.summary.totals['in-progress']).toBe(4);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(4);
  });

  it('creates nothing on a second run after the copies completed', async () => {
    bed = await startBed({ disksPerRegion: 4, snapshotsPerDisk: 1 });
    const p = policy();
    await run(bed, p);
    finishCopies(bed);

    const second = await run(bed, p);
    const third = await run(bed, p);

    expect(second.summary.apiCalls.CopySnapshot ?? 0).toBe(0);
    expect(second.summary.totals.completed).toBe(4);
    expect(third.summary.totals['already-copied']).toBe(4);
    expect(third.summary.totals.completed).toBe(0);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(4);
  });

  it('makes no second copy after a copy was accepted but its answer never arrived', async () => {
    bed = await startBed({ disksPerRegion: 3, snapshotsPerDisk: 1 });
    const p = policy({ limits: { maxAttempts: 2 } });
    // The emulator accepts every copy and never answers: the client times out, as a process
    // killed between "CopySnapshot accepted" and "record written" would leave things.
    bed.emu.admin.setFaults({ timeoutAfterAcceptRate: 1, actions: ['CopySnapshot'] });
    const impatient = createCloudClients({
      credentials: bed.credentials,
      endpoint: bed.emu.url,
      timeoutMs: 300,
    });
    const lost = await run(bed, p, { cloud: impatient });
    expect(lost.summary.totals.started).toBe(0);
    expect(lost.items.every((i) => i.errorCode === 'RequestTimeout')).toBe(true);
    bed.emu.admin.setFaults({});

    const next = await run(bed, p);

    expect(next.summary.apiCalls.CopySnapshot ?? 0).toBe(0);
    expect(next.summary.totals['in-progress']).toBe(3);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(3);
  });

  it('retries a timed-out copy with the same ClientToken and gets the same copy back', async () => {
    bed = await startBed({ disksPerRegion: 6, snapshotsPerDisk: 1 }, { seed: 11 });
    bed.emu.admin.setFaults({ timeoutAfterAcceptRate: 0.5, actions: ['CopySnapshot'] });
    const impatient = createCloudClients({
      credentials: bed.credentials,
      endpoint: bed.emu.url,
      timeoutMs: 300,
    });

    const result = await run(bed, policy(), { cloud: impatient });

    const retried = result.items.filter((i) => i.outcome === 'started' && i.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    expect(result.summary.totals.started).toBe(6);
    expect(duplicatedSources(bed, 'cn-beijing')).toEqual([]);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(6);
  });

  it('makes one copy per pair when two runs of one policy overlap', async () => {
    bed = await startBed({ disksPerRegion: 5, snapshotsPerDisk: 1 });
    const p = policy({ destinations: [{ region: 'cn-beijing' }, { region: 'ap-southeast-1' }] });

    const [a, b] = await Promise.all([run(bed, p), run(bed, p)]);

    expect(a.summary.totals.started + b.summary.totals.started).toBeGreaterThanOrEqual(10);
    for (const region of ['cn-beijing', 'ap-southeast-1']) {
      expect(duplicatedSources(bed, region)).toEqual([]);
      expect(copiesIn(bed, region)).toHaveLength(5);
    }
  });
});
