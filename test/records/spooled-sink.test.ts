import { describe, expect, it } from 'vitest';
import { Code } from '../../lib/codes.ts';
import type { LogSink } from '../../lib/ports.ts';
import type { SpooledRecord } from '../../lib/records/spool.ts';
import { type PendingRecords, withSpool } from '../../lib/records/spooled-sink.ts';
import type { LogRecord } from '../../lib/records/types.ts';

/** Pending records kept in memory, as a spool file or the function log would keep them. */
function memoryPending(): PendingRecords & { kept: SpooledRecord[] } {
  const kept: SpooledRecord[] = [];
  return {
    kept,
    where: 'memory',
    dropped: 0,
    take: async () => kept.splice(0),
    add: async (records) => {
      kept.push(...records);
      return kept.length;
    },
  };
}

const record = (n: number): LogRecord => ({
  kind: 'alert',
  alert: 'run-aborted',
  runId: `run-${n}`,
  policy: 'p',
  time: '2026-12-02T00:00:00.000Z',
  message: 'x',
});

/** A log store that refuses every write and hands the refused records to onDropped. */
async function refusingStore(onDropped: (records: SpooledRecord[]) => void): Promise<LogSink> {
  return {
    async write(records) {
      onDropped(records.map((r) => ({ runId: r.runId, recordId: `id-${r.runId}` })));
      throw new Error('log store down');
    },
    async close() {},
  };
}

describe('withSpool', () => {
  it('keeps refused records when they are refused, before the run closes its sink', async () => {
    const pending = memoryPending();
    const sink = await withSpool(refusingStore, pending, () => {});

    await sink.write([record(1), record(2)]).catch(() => undefined);
    // The process may die here (FC timeout): nothing waits for close().
    await new Promise((resolve) => setImmediate(resolve));

    expect(pending.kept.map((r) => r.recordId)).toEqual(['id-run-1', 'id-run-2']);
  });

  it('reports the kept count at close and keeps each refused record once', async () => {
    const pending = memoryPending();
    const sink = await withSpool(refusingStore, pending, () => {});

    await sink.write([record(1)]).catch(() => undefined);
    const closed = await sink.close().then(
      () => undefined,
      (error: Error & { code?: string }) => error,
    );

    expect(closed?.code).toBe(Code.RecordsPending);
    expect(pending.kept).toHaveLength(1);
  });
});
