import {
  type CallCounts,
  type CallLogEntry,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../../emulator/index.ts';
import { createCloudClients } from '../../lib/cloud/clients.ts';
import { MemorySink } from '../../lib/cloud/sinks.ts';
import { realSleep } from '../../lib/engine/limiter.ts';
import { newRunId, runPolicy } from '../../lib/engine/run.ts';
import type { EngineTuning, RunSummary } from '../../lib/engine/types.ts';
import { PROVENANCE_TAG_KEYS } from '../../lib/policy/render.ts';
import type { Policy } from '../../lib/policy/schema.ts';

/** Starts an emulator for one scenario and always stops it, so scenarios never share state. */
export async function withEmulator<T>(
  options: EmulatorOptions,
  body: (emulator: RunningEmulator) => Promise<T>,
): Promise<T> {
  const emulator = await startEmulator({ seed: 1, ...options });
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

export interface EngineRun {
  summary: RunSummary;
  sink: MemorySink;
  wallMs: number;
}

/** One engine run over loopback HTTP through the product's own SDK clients. */
export async function runEngine(
  emulator: RunningEmulator,
  policy: Policy,
  tuning?: EngineTuning,
): Promise<EngineRun> {
  const sink = new MemorySink();
  const cloud = createCloudClients({ credentials: emulator.credentials, endpoint: emulator.url });
  const started = performance.now();
  const summary = await runPolicy({
    policy,
    cloud,
    sink,
    runId: newRunId(),
    ...(tuning ? { tuning } : {}),
  });
  return { summary, sink, wallMs: performance.now() - started };
}

export interface CallStats {
  total: number;
  byAction: Record<string, number>;
  /** Throttling.* answers, all actions. */
  throttled: number;
  accepted: Record<string, number>;
}

/** Counts what the emulator saw: the ground truth, retries and failed attempts included. */
export function callStats(entries: readonly CallLogEntry[]): CallStats {
  const stats: CallStats = { total: 0, byAction: {}, throttled: 0, accepted: {} };
  for (const e of entries) {
    stats.total += 1;
    stats.byAction[e.action] = (stats.byAction[e.action] ?? 0) + 1;
    if (e.code.startsWith('Throttling')) stats.throttled += 1;
    if (e.code === 'OK') stats.accepted[e.action] = (stats.accepted[e.action] ?? 0) + 1;
  }
  return stats;
}

/**
 * The same statistics from the emulator's exact counters, between two readings: the call log
 * keeps only the newest 100,000–200,000 entries, so a 300,000-copy run must be counted this way.
 */
export function callStatsBetween(before: CallCounts, after: CallCounts): CallStats {
  const stats: CallStats = {
    total: after.total - before.total,
    byAction: {},
    throttled: 0,
    accepted: {},
  };
  for (const [action, n] of Object.entries(after.byAction)) {
    const d = n - (before.byAction[action] ?? 0);
    if (d > 0) stats.byAction[action] = d;
  }
  for (const [key, n] of Object.entries(after.byActionAndCode)) {
    const d = n - (before.byActionAndCode[key] ?? 0);
    if (d <= 0) continue;
    const [action = '', code = ''] = key.split(' ');
    if (code.startsWith('Throttling')) stats.throttled += d;
    if (code === 'OK') stats.accepted[action] = (stats.accepted[action] ?? 0) + d;
  }
  return stats;
}

/** (source snapshot, destination) pairs that have a live copy carrying this policy's tags. */
export function copiedPairs(emulator: RunningEmulator, policy: Policy): Map<string, number> {
  const pairs = new Map<string, number>();
  for (const dest of policy.destinations) {
    for (const s of emulator.admin.snapshots(dest.region)) {
      if (s.tags[PROVENANCE_TAG_KEYS.policy] !== policy.name || s.status === 'failed') continue;
      const key = `${s.tags[PROVENANCE_TAG_KEYS.sourceSnapshot]}>${dest.region}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
  }
  return pairs;
}

/** `CopySnapshot 30000, DescribeSnapshots 103` — a per-action count as one readable figure. */
export function breakdown(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([action, n]) => `${action} ${n}`)
    .join(', ');
}

/**
 * Engine tuning that puts its rate limiter and backoff on the emulator's virtual clock: the
 * limiter measures real time × speed and sleeps virtual ms / speed, so the policy's
 * per-minute limits and burst mean per virtual minute, exactly as in production.
 */
export function virtualTimeTuning(speed: number): EngineTuning {
  const origin = performance.now();
  return {
    clock: () => (performance.now() - origin) * speed,
    sleep: (ms, signal) => realSleep(ms / speed, signal),
  };
}
