import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../lib/engine/types.ts';
import { captureIo, cli, isolatedStateEnv, useDemoCloud } from '../cli/run-fixtures.ts';
import { type LoopbackProxy, startProxy } from './support/proxy.ts';

const HANGING = 'cn-shanghai';
const HEALTHY = 'cn-hangzhou';

describe('the time budget', () => {
  const bed = useDemoCloud();
  let proxy: LoopbackProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  it('holds with one source region hanging: the run ends within --budget and the healthy region is copied', async () => {
    // The source listing of one region never answers (the proxy holds the request).
    proxy = await startProxy(bed.emulator.url, (_req, params) => {
      return params.Action === 'DescribeSnapshots' && params.RegionId === HANGING;
    });
    const policy = await bed.ws.policy('p.yaml', (p) => {
      p.source.regions = [HEALTHY, HANGING];
    });
    const io = captureIo({
      ...isolatedStateEnv(),
      ALIBABA_CLOUD_ACCESS_KEY_ID: bed.emulator.credentials.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: bed.emulator.credentials.accessKeySecret,
      DR_REPLICATOR_ENDPOINT: proxy.url,
    });
    const budgetMs = 10_000;

    expect(await cli(io, 'run', '--policy', policy, '--budget', '10s', '--output', 'json')).toBe(1);

    const summary = JSON.parse(io.stdoutText().trim().split('\n').at(-1)!) as RunSummary;
    // Without per-call deadlines the hanging listing alone takes 30 s per attempt.
    expect(summary.durationMs).toBeLessThan(budgetMs);
    const records = await bed.ws.records();
    expect(records).toContainEqual(
      expect.objectContaining({
        kind: 'alert',
        alert: 'source-unavailable',
        sourceRegion: HANGING,
      }),
    );
    const started = records.filter(
      (r) => r.kind === 'item' && r.outcome === 'started' && r.sourceRegion === HEALTHY,
    );
    expect(started.length).toBeGreaterThan(0);
    expect(
      records.filter(
        (r) =>
          r.kind === 'item' && r.errorCode === 'TimeBudgetExceeded' && r.sourceRegion === HEALTHY,
      ),
    ).toEqual([]);
  });

  it('never records "waiting for the copy started this run" when that copy did not start', async () => {
    // Every CopySnapshot fails for now: the first copy of each disk is deferred, not started.
    bed.emulator.admin.setFaults({ serviceUnavailableRate: 1, actions: ['CopySnapshot'] });
    const policy = await bed.ws.policy('p.yaml', (p) => {
      p.limits = { ...p.limits, maxAttempts: 1 };
    });
    const io = captureIo({
      ...isolatedStateEnv(),
      ALIBABA_CLOUD_ACCESS_KEY_ID: bed.emulator.credentials.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: bed.emulator.credentials.accessKeySecret,
      DR_REPLICATOR_ENDPOINT: bed.emulator.url,
    });

    await cli(io, 'run', '--policy', policy);

    const items = (await bed.ws.records()).filter((r) => r.kind === 'item');
    expect(items.filter((r) => r.outcome === 'started')).toEqual([]);
    expect(items.filter((r) => r.message?.includes('copy started this run'))).toEqual([]);
    const waiting = items.filter((r) => r.message?.includes('which was not started this run'));
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting[0]?.message).toMatch(
      /^waiting for the copy of s-\S+, which was not started this run \(ServiceUnavailable\)/,
    );
  });
});
