import { afterEach, describe, expect, it } from 'vitest';
import type { EcsApi } from '../../lib/ports.ts';
import { type Bed, copiesIn, policy, run, startBed } from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

/** Every CopySnapshot takes 10 virtual seconds (the emulator clock is the run's clock). */
function slowCopies(b: Bed): EcsApi {
  const real = b.cloud.ecs;
  return {
    ...real,
    copySnapshot: async (request) => {
      const result = await real.copySnapshot(request);
      b.emu.admin.advanceClock(10);
      return result;
    },
  };
}

describe('runPolicy: time budget', () => {
  it('stops starting copies at the budget fraction, defers the rest and exits cleanly', async () => {
    bed = await startBed({ disksPerRegion: 20, snapshotsPerDisk: 1 });
    const p = policy({
      destinations: [{ region: 'cn-beijing', maxConcurrentCopies: 1 }],
      limits: { timeBudgetFraction: 0.8 },
    });

    const result = await run(bed, p, {
      cloud: { ...bed.cloud, ecs: slowCopies(bed) },
      budgetMs: 100_000,
    });

    // 0.8 × 100 s = 80 s of copying at 10 s each.
    expect(result.summary.totals.started).toBe(8);
    expect(result.summary.totals.deferred).toBe(12);
    expect(
      result.items
        .filter((i) => i.outcome === 'deferred')
        .every((i) => i.errorCode === 'TimeBudgetExceeded'),
    ).toBe(true);
    expect(result.summary.exitCode).toBe(0);
  });

  it('does not retry a failed copy once the budget is spent, so the run ends inside the timeout', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 1 });
    const b = bed;
    b.emu.admin.setFaults({ errorRate5xx: 1, actions: ['CopySnapshot'] });
    const real = b.cloud.ecs;
    // The first attempt answers InternalError 90 virtual seconds later: past 0.8 × 100 s.
    const slowFailure: EcsApi = {
      ...real,
      copySnapshot: async (request) => {
        try {
          return await real.copySnapshot(request);
        } finally {
          b.emu.admin.advanceClock(90);
        }
      },
    };
    const p = policy({ limits: { timeBudgetFraction: 0.8, maxAttempts: 6 } });

    const result = await run(b, p, { cloud: { ...b.cloud, ecs: slowFailure }, budgetMs: 100_000 });

    expect(b.emu.admin.calls({ action: 'CopySnapshot' })).toHaveLength(1);
    expect(result.items).toEqual([
      expect.objectContaining({
        outcome: 'deferred',
        errorCode: 'TimeBudgetExceeded',
        attempts: 1,
      }),
    ]);
  });

  it('lets the next run finish the backlog', async () => {
    bed = await startBed({ disksPerRegion: 20, snapshotsPerDisk: 1 });
    const p = policy({ destinations: [{ region: 'cn-beijing', maxConcurrentCopies: 1 }] });
    await run(bed, p, { cloud: { ...bed.cloud, ecs: slowCopies(bed) }, budgetMs: 100_000 });

    const next = await run(bed, p);

    expect(next.summary.totals.started).toBe(12);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(20);
  });

  it('starts no copy after the abort signal, and records the rest as deferred', async () => {
    bed = await startBed({ disksPerRegion: 10, snapshotsPerDisk: 1 });
    const stop = new AbortController();
    const real = bed.cloud.ecs;
    let copies = 0;
    const stopAfterThree: EcsApi = {
      ...real,
      copySnapshot: async (request) => {
        const result = await real.copySnapshot(request);
        if (++copies === 3) stop.abort('SIGTERM');
        return result;
      },
    };
    const p = policy({ destinations: [{ region: 'cn-beijing', maxConcurrentCopies: 1 }] });

    const result = await run(bed, p, {
      cloud: { ...bed.cloud, ecs: stopAfterThree },
      signal: stop.signal,
    });

    expect(result.summary.totals).toMatchObject({ started: 3, deferred: 7 });
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(3);
    expect(result.run.totals.deferred).toBe(7);
  });
});
