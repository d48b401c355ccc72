import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { updateReadme } from '../scripts/bench-readme.ts';
import { apiEfficiency } from './scenarios/api-efficiency.ts';
import { baselineComparison } from './scenarios/baseline.ts';
import { cliStartup } from './scenarios/cli-startup.ts';
import { coldStart } from './scenarios/cold-start.ts';
import { drillCost } from './scenarios/drill-cost.ts';
import { lockCost } from './scenarios/lock-cost.ts';
import { planMemory } from './scenarios/memory.ts';
import { statusScale } from './scenarios/status-scale.ts';
import { throughput } from './scenarios/throughput.ts';
import { throughputConcurrent } from './scenarios/throughput-concurrent.ts';
import {
  type BenchReport,
  formatMarkdown,
  formatScenario,
  machine,
  type ScenarioResult,
} from './support/report.ts';

/**
 * `npm run bench`: every scenario in one process, each printing its figures and one RATIO
 * line, then bench/results/latest.json and latest.md (the README snippet). `--only a,b` runs
 * some scenarios; `--quick` shrinks every size for a smoke run (and writes no results).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    /** With --only: fold the scenarios run into bench/results/latest.json instead of skipping it. */
    merge: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
});
const quick = values.quick ?? false;

const SCENARIOS: Record<string, () => Promise<ScenarioResult>> = {
  'api-efficiency': () =>
    apiEfficiency(
      quick ? { snapshots: 500, destinations: 3 } : { snapshots: 10_000, destinations: 3 },
    ),
  // The whole sequence (backlog, completions, steady state) at 100,000 × 3: 300,000 copies.
  'api-efficiency-100k': () =>
    apiEfficiency(
      quick ? { snapshots: 2_000, destinations: 3 } : { snapshots: 100_000, destinations: 3 },
      'api-efficiency-100k',
    ),
  throughput: () => throughput(quick ? { backlog: 2_000, speed: 6 } : { backlog: 5_000, speed: 6 }),
  'throughput-competitor': () =>
    throughput(quick ? { backlog: 2_000, speed: 6 } : { backlog: 5_000, speed: 6 }, 'competitor'),
  'throughput-regions': () =>
    throughput(quick ? { backlog: 2_000, speed: 6 } : { backlog: 5_000, speed: 6 }, 'regions'),
  'throughput-concurrent-2': () =>
    throughputConcurrent({ backlog: quick ? 2_000 : 5_000, speed: 6, runs: 2 }),
  'throughput-concurrent-3': () =>
    throughputConcurrent({ backlog: quick ? 2_000 : 5_000, speed: 6, runs: 3 }),
  baseline: () =>
    baselineComparison(
      quick
        ? { snapshots: 40, destinations: 3, speed: 4, latencyMs: 60 }
        : { snapshots: 200, destinations: 3, speed: 4, latencyMs: 60 },
    ),
  'cold-start': () => coldStart({ runs: quick ? 3 : 9 }),
  'status-scale': async () =>
    statusScale(quick ? { cells: 10_000, runs: 2 } : { cells: 100_000, runs: 12 }),
  memory: () => planMemory({ snapshots: quick ? 10_000 : 100_000 }),
  'cli-startup': () => cliStartup({ runs: quick ? 3 : 15 }),
  'lock-cost': () => lockCost({ snapshots: quick ? 200 : 2_000 }),
  'drill-cost': () => drillCost({ disks: quick ? 20 : 200, destinations: 2 }),
};

async function main(): Promise<number> {
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((id) => !(id in SCENARIOS)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}\n`,
    );
    return 2;
  }
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    command: 'npm run bench',
    machine: machine(),
    scenarios: [],
    unavailable: [],
  };
  const m = report.machine;
  process.stdout.write(
    `dr-replicator benchmarks${quick ? ' (quick sizes)' : ''}: ${m.cpus} × ${m.cpuModel}, Node ${m.node}\n`,
  );
  for (const [id, scenario] of Object.entries(SCENARIOS)) {
    if (only && !only.includes(id)) continue;
    try {
      const result = await scenario();
      report.scenarios.push(result);
      process.stdout.write(`${formatScenario(result)}\n`);
    } catch (error) {
      // A scenario that cannot run is reported as such; no figure is ever made up for it.
      const reason = error instanceof Error ? error.message : String(error);
      report.unavailable.push({ id, reason });
      process.stdout.write(`\n== ${id} ==\n   NOT MEASURED: ${reason}\n`);
    }
  }
  if (!quick && (!only || values.merge)) {
    const dir = path.join(ROOT, 'bench', 'results');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'latest.json');
    let written = report;
    if (only) {
      // Scenarios not run keep their last figures, in the order of SCENARIOS.
      const previous = JSON.parse(await readFile(file, 'utf8')) as BenchReport;
      const ran = new Set([
        ...report.scenarios.map((s) => s.id),
        ...report.unavailable.map((u) => u.id),
      ]);
      const byId = new Map(previous.scenarios.filter((s) => !ran.has(s.id)).map((s) => [s.id, s]));
      for (const s of report.scenarios) byId.set(s.id, s);
      written = {
        ...report,
        command: 'npm run bench',
        scenarios: Object.keys(SCENARIOS).flatMap((id) => byId.get(id) ?? []),
        unavailable: [...previous.unavailable.filter((u) => !ran.has(u.id)), ...report.unavailable],
      };
    }
    await writeFile(file, `${JSON.stringify(written, null, 2)}\n`);
    await writeFile(path.join(dir, 'latest.md'), formatMarkdown(written));
    await updateReadme(ROOT);
    process.stdout.write(`\nwrote bench/results/latest.json, latest.md and the README table\n`);
  }
  return report.unavailable.length > 0 ? 1 : 0;
}

process.exitCode = await main();
