import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ScenarioResult } from '../support/report.ts';

export interface ColdStartSize {
  /** Fresh processes per side (bench/bundle.ts takes the median). */
  runs: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLE_BENCH = path.join(ROOT, 'bench', 'bundle.ts');
const run = promisify(execFile);

function number(text: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(text);
  if (!match?.[1])
    throw new Error(`bench/bundle.ts printed no ${what}; its output changed:\n${text}`);
  return Number(match[1]);
}

/**
 * Cold start is the deploy engineer's bench/bundle.ts (it builds the FC bundle and imports it
 * and the sources in fresh processes); this runs it and lifts its figures into the report.
 */
export async function coldStart(size: ColdStartSize): Promise<ScenarioResult> {
  if (!existsSync(BUNDLE_BENCH)) throw new Error('bench/bundle.ts is not in this tree');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', BUNDLE_BENCH], {
    cwd: ROOT,
    env: { ...process.env, BENCH_RUNS: String(size.runs) },
  });
  const bundledImport = number(stdout, /bundled ([\d.]+) ms import/, 'bundled import time');
  const bundledProcess = number(
    stdout,
    /bundled [\d.]+ ms import \/ ([\d.]+) ms process/,
    'bundled process time',
  );
  const sourceImport = number(stdout, /source +([\d.]+) ms import/, 'source import time');
  const sourceProcess = number(
    stdout,
    /source +[\d.]+ ms import \/ ([\d.]+) ms process/,
    'source process time',
  );
  const bundleKiB = number(stdout, /bundle: \S+ (\d+) KiB/, 'bundle size');
  const gzipKiB = number(stdout, /(\d+) KiB gzipped/, 'gzipped size');
  return {
    id: 'cold-start',
    title: 'Cold start: FC bundle vs unbundled sources',
    method: `bench/bundle.ts builds the FC bundle with esbuild, then imports the handler in fresh Node processes, bundled and from the TypeScript sources through tsx, interleaved, ${size.runs} each after one warm-up; figures are medians.`,
    figures: [
      { label: 'bundle size', value: bundleKiB, unit: `KiB (${gzipKiB} KiB gzipped)` },
      { label: 'bundled: handler import', value: bundledImport, unit: 'ms' },
      { label: 'bundled: whole process', value: bundledProcess, unit: 'ms' },
      { label: 'sources via tsx: handler import', value: sourceImport, unit: 'ms' },
      { label: 'sources via tsx: whole process', value: sourceProcess, unit: 'ms' },
    ],
    ratios: [
      {
        label: 'import time unbundled / bundled',
        value: Math.round((sourceImport / bundledImport) * 100) / 100,
        meaning: '>1 = the bundle makes the handler callable sooner after a cold start',
      },
    ],
  };
}
