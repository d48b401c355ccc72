import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { syntheticWorld } from '../../emulator/index.ts';
import { withEmulator } from '../support/cloud.ts';
import { benchPolicy } from '../support/policy.ts';
import { round, type ScenarioResult } from '../support/report.ts';

export interface MemorySize {
  /** Source snapshots to plan (disks × 4 snapshots each). */
  snapshots: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = path.join(ROOT, 'bench', 'memory', 'plan-child.ts');
const SNAPSHOTS_PER_DISK = 4;
const SOURCE = 'cn-hangzhou';
const DESTINATIONS = ['cn-shanghai', 'cn-beijing', 'cn-shenzhen'];
const run = promisify(execFile);

interface ChildReport {
  items: number;
  wallMs: number;
  maxRssKiB: number;
}

/** The function memory s.yaml deploys with, if the deploy files are in this tree. */
function functionMemoryMiB(): number | undefined {
  const file = path.join(ROOT, 's.yaml');
  if (!existsSync(file)) return undefined;
  const doc = parse(readFileSync(file, 'utf8')) as {
    resources?: Record<string, { props?: { memorySize?: unknown } }>;
  };
  for (const resource of Object.values(doc.resources ?? {})) {
    const size = resource.props?.memorySize;
    if (typeof size === 'number') return size;
  }
  return undefined;
}

/**
 * Peak RSS of a child process that plans a large world through the emulator (in this
 * process, so the world's own memory is not counted), against the same child planning nothing.
 */
export async function planMemory(size: MemorySize): Promise<ScenarioResult> {
  const now = new Date();
  const disks = Math.ceil(size.snapshots / SNAPSHOTS_PER_DISK);
  const world = syntheticWorld({
    regions: [SOURCE],
    disksPerRegion: disks,
    snapshotsPerDisk: SNAPSHOTS_PER_DISK,
    intervalHours: 6,
    now,
    destinations: DESTINATIONS,
  });
  const policy = benchPolicy({
    name: 'bench-memory',
    sourceRegions: [SOURCE],
    destRegions: DESTINATIONS,
    requestsPerMinute: { DescribeSnapshots: 100_000, DescribeKey: 100_000 },
    maxConcurrentCopies: 10,
  });
  return withEmulator({ world, startTime: now }, async (emulator) => {
    const child = async (idle: boolean): Promise<ChildReport> => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD], {
        cwd: ROOT,
        maxBuffer: 1024 * 1024,
        env: {
          ...process.env,
          BENCH_POLICY: JSON.stringify(policy),
          BENCH_IDLE: idle ? '1' : '0',
          DR_REPLICATOR_ENDPOINT: emulator.url,
          ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.credentials.accessKeySecret,
        },
      });
      return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildReport;
    };
    const idle = await child(true);
    const planned = await child(false);
    const snapshots = disks * SNAPSHOTS_PER_DISK;
    const peakMiB = planned.maxRssKiB / 1024;
    const idleMiB = idle.maxRssKiB / 1024;
    const fcMemory = functionMemoryMiB();
    return {
      id: 'memory',
      title: `Memory while planning ${snapshots.toLocaleString('en-US')} snapshots`,
      method: `A child process (node --import tsx bench/memory/plan-child.ts) runs planPolicy for ${snapshots.toLocaleString('en-US')} source snapshots (${disks} disks × ${SNAPSHOTS_PER_DISK}) and ${DESTINATIONS.length} destinations against the emulator in the parent; peak RSS is the kernel's maxRSS of that child. The same child planning nothing gives the floor (Node + tsx + the engine's modules).`,
      figures: [
        { label: 'plan items', value: planned.items },
        { label: 'planning wall time', value: round(planned.wallMs / 1000, 1), unit: 's' },
        { label: 'peak RSS while planning', value: round(peakMiB, 1), unit: 'MiB' },
        { label: 'peak RSS of the idle child', value: round(idleMiB, 1), unit: 'MiB' },
        ...(fcMemory === undefined
          ? []
          : [
              {
                label: 'peak RSS / FC memorySize in s.yaml',
                value: round(peakMiB / fcMemory, 3),
                unit: `of ${fcMemory} MiB`,
              },
            ]),
      ],
      ratios: [
        {
          label: 'RSS bytes per planned snapshot (above the idle child)',
          value: round(((planned.maxRssKiB - idle.maxRssKiB) * 1024) / snapshots, 0),
          meaning: `${snapshots.toLocaleString('en-US')} snapshots × ${DESTINATIONS.length} destinations planned in one process`,
        },
      ],
    };
  });
}
