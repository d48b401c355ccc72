import {
  type EmulatorOptions,
  type RunningEmulator,
  type SyntheticWorldOptions,
  startEmulator,
  syntheticWorld,
} from '../../../emulator/index.ts';
import { createCloudClients } from '../../../lib/cloud/clients.ts';
import { MemorySink } from '../../../lib/cloud/sinks.ts';
import { runPolicy } from '../../../lib/engine/run.ts';
import type { RunOptions, RunSummary } from '../../../lib/engine/types.ts';
import { type Policy, type PolicyInput, PolicySchema } from '../../../lib/policy/schema.ts';
import type { CloudClients, Credentials } from '../../../lib/ports.ts';
import type { ItemRecord, LogRecord, RunRecord } from '../../../lib/records/types.ts';

/** A fixed virtual start so worlds and lookback windows line up run after run. */
export const T0 = new Date('2026-03-01T12:00:00Z');

export interface Bed {
  emu: RunningEmulator;
  credentials: Credentials;
  cloud: CloudClients;
  /** The emulator's virtual clock: what the engine must use as "now". */
  now: () => Date;
  stop(): Promise<void>;
}

/** An in-process emulator with a synthetic world, and the real clients on STS credentials. */
export async function startBed(
  world: Partial<SyntheticWorldOptions> = {},
  options: Omit<EmulatorOptions, 'world'> = {},
): Promise<Bed> {
  const emu = await startEmulator({
    world: syntheticWorld({
      regions: ['cn-hangzhou'],
      disksPerRegion: 3,
      snapshotsPerDisk: 2,
      now: T0,
      destinations: ['cn-beijing', 'ap-southeast-1'],
      ...world,
    }),
    startTime: T0,
    speed: 0,
    seed: 7,
    ...options,
  });
  const credentials = emu.admin.issueStsCredentials();
  const cloud = createCloudClients({ credentials, endpoint: emu.url, timeoutMs: 5_000 });
  return { emu, credentials, cloud, now: () => emu.admin.now(), stop: () => emu.stop() };
}

export function policy(overrides: Partial<PolicyInput> = {}): Policy {
  return PolicySchema.parse({
    name: 'dr-test',
    schedule: '0 0 * * * *',
    source: { regions: ['cn-hangzhou'], lookbackHours: 24 * 30 },
    destinations: [{ region: 'cn-beijing' }],
    ...overrides,
  });
}

/** Backoff in tests: milliseconds, not seconds, so retries stay fast. */
export const FAST_RETRY = { baseDelayMs: 1, throttlingBaseDelayMs: 2, maxDelayMs: 20 } as const;

export interface Ran {
  summary: RunSummary;
  records: LogRecord[];
  items: ItemRecord[];
  run: RunRecord;
}

export async function run(bed: Bed, p: Policy, extra: Partial<RunOptions> = {}): Promise<Ran> {
  const sink = new MemorySink();
  const summary = await runPolicy({
    policy: p,
    cloud: bed.cloud,
    sink,
    runId: `test-${Math.random().toString(36).slice(2, 8)}`,
    now: bed.now,
    tuning: { retry: FAST_RETRY },
    ...extra,
  });
  const items = sink.records.filter((r): r is ItemRecord => r.kind === 'item');
  const run = sink.records.find((r): r is RunRecord => r.kind === 'run');
  if (!run) throw new Error('no run record');
  return { summary, records: sink.records, items, run };
}

/** Completes every progressing copy in the emulator (virtual time jumps a day). */
export function finishCopies(bed: Bed): void {
  bed.emu.admin.advanceClock(24 * 3600);
}

/** Copies of `policyName` the emulator holds in `region` (its model, not our listing). */
export function copiesIn(bed: Bed, region: string, policyName = 'dr-test') {
  return bed.emu.admin
    .snapshots(region)
    .filter((s) => s.tags['dr-replicator:policy'] === policyName);
}

/** Source snapshot ids that have more than one copy in `region`. */
export function duplicatedSources(bed: Bed, region: string, policyName = 'dr-test'): string[] {
  const seen = new Map<string, number>();
  for (const copy of copiesIn(bed, region, policyName)) {
    const source = copy.tags['dr-replicator:source-snapshot'] ?? '';
    seen.set(source, (seen.get(source) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

/**
 * Engine waits (limiter, backoff) that move the emulator's virtual clock instead of real time:
 * with the emulator at speed 0, minutes of quota pass in milliseconds. Time only moves when
 * no call is in flight (or about to be sent), so each call reaches the emulator's call log at
 * the virtual time the limiter let it go; `quiesce: false` trades that exactness for speed
 * (calls may be logged a little late, never early). Use the returned `cloud` for the run.
 */
export function virtualTime(bed: Bed, options: { cloud?: CloudClients; quiesce?: boolean } = {}) {
  const cloud = options.cloud ?? bed.cloud;
  const quiesce = options.quiesce ?? true;
  let inFlight = 0;
  const idle: (() => void)[] = [];
  const track = <T>(call: () => Promise<T>): Promise<T> => {
    inFlight += 1;
    return call().finally(() => {
      inFlight -= 1;
      if (inFlight === 0) for (const wake of idle.splice(0)) wake();
    });
  };
  const tracked: CloudClients = {
    ecs: {
      describeSnapshots: (q, t) => track(() => cloud.ecs.describeSnapshots(q, t)),
      copySnapshot: (r) => track(() => cloud.ecs.copySnapshot(r)),
      deleteSnapshot: (region, id) => track(() => cloud.ecs.deleteSnapshot(region, id)),
      tagSnapshots: (region, ids, tags) => track(() => cloud.ecs.tagSnapshots(region, ids, tags)),
      listTaggedSnapshots: (region, tags, token) =>
        track(() => cloud.ecs.listTaggedSnapshots(region, tags, token)),
      lockSnapshot: (r) => track(() => cloud.ecs.lockSnapshot(r)),
      describeLockedSnapshots: (region, ids, token) =>
        track(() => cloud.ecs.describeLockedSnapshots(region, ids, token)),
      createDisk: (r) => track(() => cloud.ecs.createDisk(r)),
      describeDisks: (q, token) => track(() => cloud.ecs.describeDisks(q, token)),
      deleteDisk: (region, id) => track(() => cloud.ecs.deleteDisk(region, id)),
      describeZones: (region) => track(() => cloud.ecs.describeZones(region)),
    },
    kms: { describeKey: (region, id) => track(() => cloud.kms.describeKey(region, id)) },
    ...(cloud.quotaKey === undefined ? {} : { quotaKey: cloud.quotaKey }),
  };
  return {
    cloud: tracked,
    tuning: {
      clock: () => bed.emu.admin.now().getTime(),
      sleep: async (ms: number) => {
        if (quiesce) {
          // Let calls already granted a token be sent (microtasks), then wait for their answers.
          await new Promise((resolve) => setImmediate(resolve));
          while (inFlight > 0) await new Promise<void>((resolve) => idle.push(resolve));
        }
        if (ms > 0) bed.emu.admin.advanceClock(ms / 1000);
      },
    },
  };
}
