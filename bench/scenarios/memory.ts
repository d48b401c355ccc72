import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deployedReplicator } from '../support/deployed.ts';
import { round, type ScenarioResult } from '../support/report.ts';

export interface MemorySize {
  /** Source snapshots bench/scale.ts plans (SCALE_SNAPSHOTS). */
  snapshots: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCALE_BENCH = path.join(ROOT, 'bench', 'scale.ts');
const run = promisify(execFile);

function number(text: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(text);
  if (!match?.[1])
    throw new Error(`bench/scale.ts printed no ${what}; its output changed:\n${text}`);
  return Number(match[1]);
}

/**
 * Peak RSS while planning: the engine engineer's bench/scale.ts plans a large world in a child
 * process (the emulator's world stays in its parent) and reads the child's kernel maxRSS; this
 * runs it and sets the figure against the memory the function is deployed with.
 */
export async function planMemory(size: MemorySize): Promise<ScenarioResult> {
  if (!existsSync(SCALE_BENCH)) throw new Error('bench/scale.ts is not in this tree');
  const { memoryMiB, nodeOptions } = await deployedReplicator();
  const { stdout } = await run(process.execPath, ['--import', 'tsx', SCALE_BENCH], {
    cwd: ROOT,
    env: { ...process.env, SCALE_SNAPSHOTS: String(size.snapshots) },
    maxBuffer: 4 * 1024 * 1024,
  });
  const snapshots = number(stdout, /world: (\d+) snapshots/, 'world size');
  const destinations = number(stdout, /, (\d+) destinations/, 'destination count');
  const items = number(stdout, /plan: (\d+) items/, 'plan item count');
  const planSeconds = number(stdout, /plan: \d+ items in ([\d.]+) s/, 'plan time');
  const rssMiB = number(stdout, /planner peak RSS: ([\d.]+) MiB/, 'peak RSS');
  const allPeaks = /the median of \d+ runs \(([\d, ]+)\)/.exec(stdout)?.[1] ?? '';
  const defaultsMiB = number(
    stdout,
    /planner peak RSS with Node's defaults: ([\d.]+) MiB/,
    "peak RSS with Node's defaults",
  );
  const defaultPeaks =
    /with Node's defaults: [\d.]+ MiB, the median of \d+ runs \(([\d, ]+)\)/.exec(stdout)?.[1] ??
    '';
  const highestMiB = Math.max(rssMiB, ...allPeaks.split(',').map(Number));
  const highestDefaultMiB = Math.max(defaultsMiB, ...defaultPeaks.split(',').map(Number));
  const planOverList = number(
    stdout,
    /plan time \/ listing-only time: .* = ([\d.]+)/,
    'plan/list ratio',
  );
  return {
    id: 'memory',
    title: `Memory while planning ${snapshots.toLocaleString('en-US')} snapshots`,
    method: `bench/scale.ts plans ${snapshots.toLocaleString('en-US')} source snapshots against ${destinations} destinations in a child process (bench/support/planner-child.ts bundled as the FC function is), over loopback HTTP to an emulator in its parent; peak RSS is that child's kernel maxRSS (Node included) in each of 3 planner runs with the function's NODE_OPTIONS from s.yaml (${nodeOptions}) and 3 more with Node's defaults (every run in the figures); the ratios take the highest run. The function's memory is memorySize in s.yaml.`,
    figures: [
      { label: 'plan items', value: items },
      { label: 'planning wall time', value: planSeconds, unit: 's' },
      { label: 'planner peak RSS (median run)', value: rssMiB, unit: 'MiB' },
      { label: 'planner peak RSS of each run (MiB)', value: allPeaks },
      {
        label: "planner peak RSS with Node's defaults (median run)",
        value: defaultsMiB,
        unit: 'MiB',
      },
      { label: "planner peak RSS of each run with Node's defaults (MiB)", value: defaultPeaks },
      { label: 'FC memorySize (s.yaml)', value: memoryMiB, unit: 'MiB' },
      { label: 'plan time / listing-only pass (same queries, same limiter)', value: planOverList },
    ],
    ratios: [
      {
        label: 'highest peak of the runs as deployed / function memory',
        value: round(highestMiB / memoryMiB, 3),
        meaning: '<1 = a plan of this size fits the deployed function',
      },
      {
        label: 'highest peak of the runs as deployed / 256 MiB (the target)',
        value: round(highestMiB / 256, 3),
        meaning: '≤1 = within the 256 MiB target for a 100,000 × 3 plan, in every run',
      },
      {
        label: "highest peak of the runs with Node's defaults / 256 MiB",
        value: round(highestDefaultMiB / 256, 3),
        meaning:
          "without s.yaml's heap limit V8 sizes the heap from this machine's memory and the peak follows GC timing: why NODE_OPTIONS fits it to the function",
      },
      {
        label: 'plan time / listing-only time',
        value: planOverList,
        meaning: '≤1.25 = planning adds at most a quarter to the listing it needs anyway',
      },
    ],
  };
}
