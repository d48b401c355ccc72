import { afterEach, describe, expect, it } from 'vitest';
import { createCloudClients } from '../../lib/cloud/clients.ts';
import { CloudApiError } from '../../lib/cloud/errors.ts';
import { createStdoutSink, MemorySink } from '../../lib/cloud/sinks.ts';
import { runPolicy } from '../../lib/engine/run.ts';
import type { ItemRecord, LogRecord } from '../../lib/records/types.ts';
import { type Bed, FAST_RETRY, finishCopies, policy, run, startBed } from './support/harness.ts';

let bed: Bed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

const pairsOf = (items: ItemRecord[]) => items.map((i) => `${i.sourceSnapshotId}>${i.destRegion}`);

describe('runPolicy: records', () => {
  it('writes exactly one item record per (snapshot, destination) decision', async () => {
    bed = await startBed({ disksPerRegion: 5, snapshotsPerDisk: 3 });
    const p = policy({ destinations: [{ region: 'cn-beijing' }, { region: 'ap-southeast-1' }] });
    const sources = bed.emu.admin.snapshots('cn-hangzhou').map((s) => s.snapshotId);
    const expected = sources.flatMap((id) => [`${id}>cn-beijing`, `${id}>ap-southeast-1`]).sort();

    const first = await run(bed, p);
    finishCopies(bed);
    const second = await run(bed, p);

    for (const { items } of [first, second]) {
      expect(pairsOf(items).sort()).toEqual(expected);
    }
  });

  it('writes a run record whose totals add up to the item records', async () => {
    bed = await startBed({ disksPerRegion: 4, snapshotsPerDisk: 2 });
    bed.emu.admin.setQuota('ap-southeast-1', 1);
    const p = policy({ destinations: [{ region: 'cn-beijing' }, { region: 'ap-southeast-1' }] });

    const { items, run: record, summary } = await run(bed, p);

    const counted: Record<string, number> = {};
    for (const item of items) counted[item.outcome] = (counted[item.outcome] ?? 0) + 1;
    for (const [outcome, n] of Object.entries(record.totals)) {
      expect([outcome, n]).toEqual([outcome, counted[outcome] ?? 0]);
    }
    expect(summary.totals).toEqual(record.totals);
    const perDestination = summary.destinations.reduce(
      (n, d) => n + Object.values(d.counts).reduce((a, b) => a + b, 0),
      0,
    );
    expect(perDestination).toBe(items.length);
    expect(record.apiCalls).toEqual(summary.apiCalls);
  });

  it('finishes the run when the sink fails, then reports the lost records', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 1 });
    const broken = {
      write: async () => {
        throw new Error('logstore unreachable');
      },
      close: async () => {},
    };

    const outcome = await runPolicy({
      policy: policy(),
      cloud: bed.cloud,
      sink: broken,
      runId: 'broken-sink',
      now: bed.now,
    }).catch((e: unknown) => e);

    expect(outcome).toMatchObject({ code: 'RecordWriteFailed' });
    expect(bed.emu.admin.calls({ action: 'CopySnapshot' })).toHaveLength(2);
  });

  it('does not mark completions as reported when their records were lost', async () => {
    bed = await startBed({ disksPerRegion: 2, snapshotsPerDisk: 1 });
    await run(bed, policy());
    finishCopies(bed);
    const broken = {
      write: async () => {
        throw new Error('logstore unreachable');
      },
      close: async () => {},
    };
    await runPolicy({
      policy: policy(),
      cloud: bed.cloud,
      sink: broken,
      runId: 'lost',
      now: bed.now,
    }).catch(() => undefined);

    const next = await run(bed, policy());

    expect(next.summary.totals.completed).toBe(2);
  });

  it('never writes the secret, the security token or a signature anywhere', async () => {
    bed = await startBed({ disksPerRegion: 6, snapshotsPerDisk: 1 });
    const { accessKeySecret, securityToken } = bed.credentials;
    if (!securityToken) throw new Error('STS credentials carry a token');
    const written: string[] = [];
    const capture = (stream: NodeJS.WriteStream) => {
      const original = stream.write.bind(stream);
      // Captured, not echoed: what the run prints is what this test inspects.
      stream.write = ((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      }) as typeof stream.write;
      return () => {
        stream.write = original;
      };
    };
    const restore = [capture(process.stdout), capture(process.stderr)];
    const records: LogRecord[] = [];
    const errors: string[] = [];
    try {
      // Faults of every kind, so error paths (5xx, resets, throttling) write their messages.
      bed.emu.admin.setFaults({ errorRate5xx: 0.3, dropConnectionRate: 0.2 });
      bed.emu.admin.setThrottle('CopySnapshot', { perMinute: 1, burst: 2 });
      const stdout = createStdoutSink();
      const memory = new MemorySink();
      const both = {
        write: async (r: LogRecord[]) => {
          await stdout.write(r);
          await memory.write(r);
        },
        close: async () => {},
      };
      await runPolicy({
        policy: policy({ limits: { maxAttempts: 2 } }),
        cloud: bed.cloud,
        sink: both,
        runId: 'secrets',
        now: bed.now,
        tuning: { retry: FAST_RETRY },
      });
      records.push(...memory.records);
      // A wrong secret: the service answers SignatureDoesNotMatch with its string to sign.
      const wrong = createCloudClients({
        credentials: { ...bed.credentials, accessKeySecret: 'not-the-secret' },
        endpoint: bed.emu.url,
      });
      bed.emu.admin.setFaults({});
      const aborted = new MemorySink();
      await runPolicy({
        policy: policy(),
        cloud: wrong,
        sink: aborted,
        runId: 'bad-signature',
        now: bed.now,
      });
      records.push(...aborted.records);
      const thrown = await wrong.ecs
        .describeSnapshots({ regionId: 'cn-hangzhou' })
        .catch((e: unknown) => e);
      if (!(thrown instanceof CloudApiError)) throw new Error('expected a CloudApiError');
      errors.push(thrown.message, String(thrown.stack), JSON.stringify(thrown.cause ?? null));
    } finally {
      for (const undo of restore) undo();
    }

    const everything = [...written, JSON.stringify(records), ...errors].join('\n');
    expect(records.some((r) => r.kind === 'alert' && r.errorCode === 'SignatureDoesNotMatch')).toBe(
      true,
    );
    expect(records.some((r) => r.kind === 'item' && r.errorCode)).toBe(true);
    expect(everything).not.toContain(accessKeySecret);
    expect(everything).not.toContain(securityToken);
    expect(everything).not.toContain(encodeURIComponent(securityToken));
    expect(everything).not.toMatch(/Signature(=|%3D)[A-Za-z0-9%+/]{8,}/);
  });
});
