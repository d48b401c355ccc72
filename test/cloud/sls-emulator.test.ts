import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { createSlsReader, createSlsSink } from '../../lib/cloud/sls.ts';
import type { AlertRecord } from '../../lib/records/types.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.stop());

describe('SLS adapter against the full emulator (startEmulator)', () => {
  it('round-trips records through the emulator URL used as DR_REPLICATOR_ENDPOINT', async () => {
    const opts = {
      project: 'dr-replicator-logs',
      logstore: 'replicator',
      region: 'cn-hangzhou',
      endpoint: emulator.url,
      credentials: emulator.credentials,
    };
    const alert: AlertRecord = {
      kind: 'alert',
      alert: 'destination-stopped',
      runId: 'run-9',
      policy: 'prod',
      time: new Date().toISOString(),
      destRegion: 'cn-shanghai',
      errorCode: 'QuotaExceed.Snapshot',
      message: 'destination cn-shanghai stopped',
    };
    const sink = createSlsSink({ ...opts, topic: 'dr-replicator' });
    await sink.write([alert]);
    await sink.close();

    const back = await createSlsReader(opts).query({
      from: new Date(Date.now() - 60_000),
      to: new Date(),
      query: 'kind: alert',
    });
    const stored = emulator.sls.query(opts.project, opts.logstore, { from: 0, to: 2 ** 31 });

    expect(back).toEqual([{ ...alert }]);
    expect(stored.map((l) => l.topic)).toEqual(['dr-replicator']);
  });
});
