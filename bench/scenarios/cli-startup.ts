import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildCli, CLI_BIN } from '../../scripts/build-cli.ts';
import { round, type ScenarioResult } from '../support/report.ts';

export interface CliStartupSize {
  /** Fresh processes per launcher and command, interleaved; the median is reported. */
  runs: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** The package's bin (compiled) and the launcher that runs the sources through tsx. */
const LAUNCHERS = {
  compiled: CLI_BIN,
  tsx: 'bin/dr-replicator.mjs',
} as const;

const SHIPPED_POLICIES = [
  'policies/example.yaml',
  'policies/encrypted-two-destinations.yaml',
  'policies/production-databases.yaml',
];

const COMMANDS = {
  validate: ['validate', ...SHIPPED_POLICIES],
  help: ['--help'],
} as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Wall time of one fresh `node <launcher> <args>` process, spawn to exit. */
async function timeProcess(launcher: string, args: readonly string[]): Promise<number> {
  const started = performance.now();
  await run(process.execPath, [launcher, ...args], { cwd: ROOT });
  return performance.now() - started;
}

/**
 * CLI start-up as an operator meets it: `dr-replicator validate` on the three shipped policies
 * (and `--help`), compiled JavaScript against the TypeScript sources through tsx (the CLI as
 * it shipped before), in fresh processes, interleaved so machine load hits both alike.
 */
export async function cliStartup(size: CliStartupSize): Promise<ScenarioResult> {
  await buildCli(ROOT);
  const times: Record<string, number[]> = {};
  for (let i = -1; i < size.runs; i++) {
    for (const [command, args] of Object.entries(COMMANDS)) {
      for (const [name, launcher] of Object.entries(LAUNCHERS)) {
        const ms = await timeProcess(launcher, args);
        // The first round warms the disk cache and tsx's transform cache; it is not counted.
        if (i < 0) continue;
        const key = `${name} ${command}`;
        times[key] = [...(times[key] ?? []), ms];
      }
    }
  }
  const m = (key: string) => round(median(times[key] ?? []), 0);
  return {
    id: 'cli-startup',
    title: 'CLI start-up: compiled vs TypeScript through tsx',
    method: `Fresh \`node <launcher> validate <3 shipped policies>\` and \`--help\` processes, spawn to exit, ${size.runs} each after one warm-up round, compiled (${CLI_BIN}) and tsx (bin/dr-replicator.mjs) interleaved; figures are medians.`,
    figures: [
      { label: 'compiled: validate 3 policies', value: m('compiled validate'), unit: 'ms' },
      { label: 'tsx: validate 3 policies', value: m('tsx validate'), unit: 'ms' },
      { label: 'compiled: --help', value: m('compiled help'), unit: 'ms' },
      { label: 'tsx: --help', value: m('tsx help'), unit: 'ms' },
    ],
    ratios: [
      {
        label: 'validate start-up tsx / compiled',
        value: round(m('tsx validate') / m('compiled validate')),
        meaning: '>1 = the compiled CLI answers sooner',
      },
      {
        label: '--help start-up tsx / compiled',
        value: round(m('tsx help') / m('compiled help')),
        meaning: '>1 = the compiled CLI answers sooner',
      },
    ],
  };
}
