import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../lib/records/types.ts';
import {
  type Bed,
  copiesIn,
  finishCopies,
  policy,
  type Ran,
  run,
  startBed,
  virtualTime,
} from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

/** Everything allowed except `action`: the function role with one statement withdrawn. */
const denying = (action: string) => ({
  Version: '1',
  Statement: [
    { Effect: 'Allow' as const, Action: '*', Resource: '*' },
    { Effect: 'Deny' as const, Action: action, Resource: '*' },
  ],
});

const alertsOf = (ran: Ran) => ran.records.filter((r): r is AlertRecord => r.kind === 'alert');

const REPORTED = 'dr-replicator:reported';

/** Copies every snapshot into cn-beijing and records the completions (tagged reported). */
async function copyEverything(b: Bed, snapshotsPerDisk: number) {
  for (let i = 0; i < snapshotsPerDisk; i++) {
    await run(b, policy());
    finishCopies(b);
  }
  await run(b, policy());
}

describe('runPolicy: a stop-run error while pruning', () => {
  it('aborts the run (exit 3) with one run-aborted alert naming Forbidden.RAM and DeleteSnapshot', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 3 });
    await copyEverything(bed, 3);
    bed.emu.admin.setRamPolicy(denying('ecs:DeleteSnapshot'));

    const ran = await run(bed, policy({ destinations: [{ region: 'cn-beijing', keepLast: 1 }] }));

    expect(ran.summary.exitCode).toBe(3);
    expect(ran.run).toMatchObject({ exitCode: 3, errorCode: 'Forbidden.RAM' });
    const aborted = alertsOf(ran).filter((a) => a.alert === 'run-aborted');
    expect(aborted).toHaveLength(1);
    expect(aborted[0]?.errorCode).toBe('Forbidden.RAM');
    expect(aborted[0]?.message).toContain('ecs:DeleteSnapshot');
    // The first refusal stops pruning: no second deletion is attempted.
    expect(bed.emu.admin.calls({ action: 'DeleteSnapshot' })).toHaveLength(1);
    expect(copiesIn(bed, 'cn-beijing')).toHaveLength(6);
  });
});

describe('runPolicy: a transient error while pruning', () => {
  it('defers the deletion to the next run once its retries are spent', async () => {
    bed = await startBed({ disksPerRegion: 1, snapshotsPerDisk: 2 });
    await copyEverything(bed, 2);
    bed.emu.admin.setFaults({ errorRate5xx: 1, actions: ['DeleteSnapshot'] });
    const p = policy({ destinations: [{ region: 'cn-beijing', keepLast: 1 }] });

    const ran = await run(bed, p);

    const prunes = ran.items.filter((i) => i.errorCode === 'InternalError');
    expect(prunes.map((i) => i.outcome)).toEqual(['deferred']);
    expect(ran.summary.exitCode).toBe(0);
    bed.emu.admin.setFaults({});
    expect((await run(bed, p)).summary.totals.pruned).toBe(1);
  });
});

describe('runPolicy: marking copies reported (TagResources)', () => {
  it('aborts the run (exit 3) with one run-aborted alert when TagResources is forbidden', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 1 });
    await run(bed, policy());
    finishCopies(bed);
    bed.emu.admin.setRamPolicy(denying('ecs:TagResources'));

    const ran = await run(bed, policy());

    // The completions were recorded before the tagging failed...
    expect(ran.summary.totals.completed).toBe(2);
    // ...but the run cannot keep its one-record-per-copy promise with these credentials.
    expect(ran.summary.exitCode).toBe(3);
    expect(ran.run).toMatchObject({ exitCode: 3, errorCode: 'Forbidden.RAM' });
    const aborted = alertsOf(ran).filter((a) => a.alert === 'run-aborted');
    expect(aborted).toHaveLength(1);
    expect(aborted[0]?.message).toContain('ecs:TagResources');
  });

  it('records the completions again on the next run when they could not be tagged', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 1 });
    await run(bed, policy());
    finishCopies(bed);
    bed.emu.admin.setRamPolicy(denying('ecs:TagResources'));
    await run(bed, policy());
    bed.emu.admin.setRamPolicy(null);

    const next = await run(bed, policy());

    expect(next.summary.totals.completed).toBe(2);
    expect(next.summary.exitCode).toBe(0);
  });

  it('retries a throttled TagResources call and tags every copy', async () => {
    bed = await startBed({ disksPerRegion: 3, snapshotsPerDisk: 1 });
    await run(bed, policy());
    finishCopies(bed);
    // One token, spent here: the run's first TagResources is throttled until the virtual
    // clock (moved by the engine's backoff) refills the bucket.
    bed.emu.admin.setThrottle('TagResources', { perMinute: 600, burst: 1 });
    await bed.cloud.ecs.tagSnapshots(
      'cn-beijing',
      [copiesIn(bed, 'cn-beijing')[0]?.snapshotId ?? ''],
      {
        other: 'x',
      },
    );
    const clock = virtualTime(bed);
    const slowBackoff = { baseDelayMs: 1000, throttlingBaseDelayMs: 1000, maxDelayMs: 1000 };

    const ran = await run(bed, policy(), {
      cloud: clock.cloud,
      tuning: { ...clock.tuning, retry: slowBackoff },
    });

    const tagCalls = bed.emu.admin.calls({ action: 'TagResources' }).slice(1);
    expect(tagCalls[0]?.code).toBe('Throttling.User');
    expect(tagCalls.at(-1)?.code).toBe('OK');
    expect(ran.summary.exitCode).toBe(0);
    expect(copiesIn(bed, 'cn-beijing').every((c) => c.tags[REPORTED] === 'completed')).toBe(true);
  });
});
