import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CallLogEntry,
  type RunningEmulator,
  startEmulator,
  syntheticWorld,
  type World,
} from '../../emulator/index.ts';
import { createCloudClients } from '../../lib/cloud/clients.ts';
import { MemorySink } from '../../lib/cloud/sinks.ts';
import { BURST_FRACTION } from '../../lib/engine/limiter.ts';
import { runPolicy } from '../../lib/engine/run.ts';
import type { RunSummary } from '../../lib/engine/types.ts';
import { DEFAULT_REQUESTS_PER_MINUTE, type Policy, PolicySchema } from '../../lib/policy/schema.ts';
import { AlertKind, type ItemRecord, type LogRecord } from '../../lib/records/types.ts';
import { copyProblems, eligiblePairs, liveCopiesByPair, pairKey } from './support/copies.ts';
import { chaosFull, chaosSeed, sized } from './support/mode.ts';

/**
 * Five consecutive runs against a cloud that fails on purpose: 10 % 5xx, throttling, latency
 * jitter, dropped connections and copies accepted whose answer never arrives. The cloud is the
 * only state, so every run must converge on it: one copy per pair, never two, and a record for
 * every decision, failures included.
 */

const RUNS = 5;
const DISKS = sized(60, 500);
const SNAPSHOTS_PER_DISK = 2;
const SOURCE = 'cn-hangzhou';
const DESTINATIONS = ['cn-shanghai', 'cn-beijing'];
/** Virtual seconds per real second: throttle windows and copy progress run 10× faster. */
const SPEED = 10;
/** The client gives up on a held connection this fast; the copy behind it was accepted. */
const CLIENT_TIMEOUT_MS = 1_500;

const FAULTS = {
  errorRate5xx: 0.1,
  latencyMs: sized(5, 20),
  latencyJitterMs: sized(40, 200),
  dropConnectionRate: 0.03,
  timeoutAfterAcceptRate: 0.03,
} as const;

/**
 * The emulator throttles by rate, not by probability, on its virtual clock; the engine's
 * limiter runs on the real clock here. CopySnapshot's quota is set to three quarters of the
 * engine's sustained real rate (converted to virtual minutes), so about a quarter of the copy
 * calls are answered Throttling.User whatever the machine's speed.
 */
const ENGINE_COPY_RATE_PER_MINUTE = DEFAULT_REQUESTS_PER_MINUTE.CopySnapshot * (1 - BURST_FRACTION);
const THROTTLES = {
  CopySnapshot: { perMinute: Math.round((ENGINE_COPY_RATE_PER_MINUTE * 0.75) / SPEED), burst: 5 },
  DescribeSnapshots: { perMinute: 600, burst: 5 },
  TagResources: { perMinute: 300, burst: 5 },
} as const;

interface RunResult {
  summary: RunSummary;
  records: LogRecord[];
  calls: CallLogEntry[];
}

let emulator: RunningEmulator;
let world: World;
let policy: Policy;
const runs: RunResult[] = [];

beforeAll(
  async () => {
    const now = new Date();
    world = syntheticWorld({
      regions: [SOURCE],
      disksPerRegion: DISKS,
      snapshotsPerDisk: SNAPSHOTS_PER_DISK,
      intervalHours: 6,
      now,
      destinations: DESTINATIONS,
      seed: chaosSeed,
    });
    policy = PolicySchema.parse({
      name: 'chaos',
      schedule: '0 0 * * * *',
      source: { regions: [SOURCE], lookbackHours: 24 * 7 },
      destinations: DESTINATIONS.map((region) => ({ region, maxConcurrentCopies: 10 })),
      // Few attempts, so some items do fail within a run and must be recorded and retried later.
      limits: { maxAttempts: 3 },
      log: { type: 'stdout' },
    });
    emulator = await startEmulator({ world, startTime: now, speed: SPEED, seed: chaosSeed });
    emulator.admin.setFaults(FAULTS);
    for (const [api, rule] of Object.entries(THROTTLES)) emulator.admin.setThrottle(api, rule);
    const cloud = createCloudClients({
      credentials: emulator.credentials,
      endpoint: emulator.url,
      timeoutMs: CLIENT_TIMEOUT_MS,
    });
    for (let i = 0; i < RUNS; i++) {
      if (i > 0) emulator.admin.advanceClock(3_600); // every copy started so far finishes
      const since = emulator.admin.now();
      const sink = new MemorySink();
      const summary = await runPolicy({
        policy,
        cloud,
        sink,
        runId: `chaos-${i + 1}`,
        // Short backoff in the short suite; the full suite keeps the production defaults.
        ...(chaosFull
          ? {}
          : { tuning: { retry: { baseDelayMs: 10, throttlingBaseDelayMs: 50, maxDelayMs: 500 } } }),
      });
      runs.push({ summary, records: sink.records, calls: emulator.admin.calls({ since }) });
    }
    emulator.admin.setFaults({});
    emulator.admin.advanceClock(3_600);
  },
  sized(120_000, 600_000),
);

afterAll(async () => {
  await emulator?.stop();
});

function sourceUnavailable(run: RunResult): boolean {
  return run.records.some((r) => r.kind === 'alert' && r.alert === AlertKind.SourceUnavailable);
}

function items(run: RunResult): ItemRecord[] {
  return run.records.filter((r): r is ItemRecord => r.kind === 'item');
}

describe(`${RUNS} runs over ${DISKS} disks under injected faults`, () => {
  it('met every kind of injected fault (otherwise this suite proves nothing)', () => {
    const codes = new Set(runs.flatMap((r) => r.calls.map((c) => c.code)));
    for (const code of ['InternalError', 'Throttling.User', 'ConnectionDropped', 'NoResponse']) {
      expect(codes).toContain(code);
    }
  });

  it('leaves every eligible (snapshot, destination) pair with a copy', () => {
    const { missing } = copyProblems(
      eligiblePairs(world, policy),
      liveCopiesByPair(emulator, policy),
    );
    expect(missing).toEqual([]);
  });

  it('never makes a second copy of a pair, even after timeouts and dropped answers', () => {
    const { duplicated } = copyProblems(
      eligiblePairs(world, policy),
      liveCopiesByPair(emulator, policy),
    );
    expect(duplicated).toEqual([]);
  });

  it('lets every copy finish: none stays progressing or ends failed', () => {
    const unfinished = DESTINATIONS.flatMap((d) => emulator.admin.snapshots(d)).filter(
      (s) => s.status !== 'accomplished',
    );
    expect(unfinished.map((s) => `${s.snapshotId} ${s.status}`)).toEqual([]);
  });

  it('records a decision for every eligible pair in every run', () => {
    const eligible = eligiblePairs(world, policy);
    // A run whose source listing failed after its retries cannot name the pairs it did not
    // see: it must say so with a source-unavailable alert instead (checked here), and the
    // other runs must still record every pair.
    const listed = runs.filter((run) => !sourceUnavailable(run));
    expect(listed.length).toBeGreaterThanOrEqual(RUNS - 1);
    for (const run of listed) {
      const recorded = new Set(items(run).map((r) => pairKey(r.sourceSnapshotId, r.destRegion)));
      const unrecorded = [...eligible].filter((k) => !recorded.has(k));
      expect({ run: run.summary.runId, unrecorded }).toEqual({
        run: run.summary.runId,
        unrecorded: [],
      });
    }
  });

  it('records the error of every pair whose CopySnapshot never got an answer in a run', () => {
    let faultedAttempts = 0;
    for (const run of runs) {
      const answered = new Map<string, boolean>();
      for (const c of run.calls) {
        if (c.action !== 'CopySnapshot') continue;
        const key = pairKey(c.params.SnapshotId ?? '', c.params.DestinationRegionId ?? '');
        answered.set(key, (answered.get(key) ?? false) || c.code === 'OK');
        if (c.code !== 'OK') faultedAttempts++;
      }
      const withError = new Set(
        items(run)
          .filter((r) => r.errorCode)
          .map((r) => pairKey(r.sourceSnapshotId, r.destRegion)),
      );
      const silent = [...answered]
        .filter(([key, ok]) => !ok && !withError.has(key))
        .map(([key]) => key);
      expect({ run: run.summary.runId, silent }).toEqual({ run: run.summary.runId, silent: [] });
    }
    // Sanity: the faults did reach CopySnapshot. Whether a pair then exhausts all of its
    // attempts within one run depends on scheduling (throttling is by rate, and the machine's
    // speed sets the rate), so that is not asserted: it made this check flaky on a loaded CI.
    expect(faultedAttempts).toBeGreaterThan(0);
  });

  it('gives every failed item an error code and counts it in the run summary', () => {
    for (const run of runs) {
      const failed = items(run).filter((r) => r.outcome === 'failed');
      expect(failed.filter((r) => !r.errorCode)).toEqual([]);
      expect(run.summary.totals.failed).toBe(failed.length);
      if (failed.length > 0) expect(run.summary.exitCode).toBeGreaterThanOrEqual(1);
    }
  });

  it('closes every run with exactly one run record', () => {
    for (const run of runs) {
      expect(run.records.filter((r) => r.kind === 'run')).toHaveLength(1);
    }
  });

  it('keeps credentials out of every record', () => {
    const text = JSON.stringify(runs.map((r) => r.records));
    expect(text).not.toContain(emulator.credentials.accessKeySecret);
    expect(text).not.toContain('Signature=');
  });
});
