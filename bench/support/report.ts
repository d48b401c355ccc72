import os from 'node:os';

/** One figure a scenario measured; `unit` is printed after the value. */
export interface Figure {
  label: string;
  /** A measured number, or a breakdown (e.g. calls per action) rendered as text. */
  value: number | string;
  unit?: string;
}

/** What every scenario hands back: its measured figures and the one ratio it exists for. */
export interface ScenarioResult {
  id: string;
  title: string;
  /** How it was measured, in a sentence or two; printed and written to the README snippet. */
  method: string;
  figures: Figure[];
  /** The ratio the scenario exists for (the baseline has two: time and calls). */
  ratios: [Ratio, ...Ratio[]];
}

export interface Ratio {
  label: string;
  value: number;
  unit?: string;
  meaning: string;
}

export interface BenchReport {
  generatedAt: string;
  command: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; memoryGiB: number };
  scenarios: ScenarioResult[];
  /** Scenarios that could not run on this tree, with why; never a made-up figure instead. */
  unavailable: { id: string; reason: string }[];
}

export function machine(): BenchReport['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function formatValue(f: Figure): string {
  const text =
    typeof f.value === 'number' && Number.isInteger(f.value)
      ? f.value.toLocaleString('en-US')
      : String(f.value);
  return f.unit ? `${text} ${f.unit}` : text;
}

/** Ratios keep their precision visible: 1.000 reads as exact, 1 reads as rounded. */
function formatRatio(r: Ratio): string {
  const text = r.value.toFixed(Math.abs(r.value) < 2 ? 3 : 2);
  return r.unit ? `${text} ${r.unit}` : text;
}

/** The console block for one scenario: figures, then its ratio lines. */
export function formatScenario(result: ScenarioResult): string {
  const lines = [`\n== ${result.title} ==`, `   method: ${result.method}`];
  for (const f of result.figures) lines.push(`   ${f.label}: ${formatValue(f)}`);
  for (const r of result.ratios) lines.push(`RATIO ${r.label}: ${formatRatio(r)}  (${r.meaning})`);
  return lines.join('\n');
}

/** The headline: one table of every ratio (what the README shows, written by a script). */
export function formatHeadline(report: BenchReport): string[] {
  const m = report.machine;
  const lines = [
    `\`${report.command}\` runs every scenario against the emulator and prints these figures; the table below is its run of ${report.generatedAt.slice(0, 10)} on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform} (raw figures in bench/results/latest.json). Call counts are exact; times depend on the machine and its load.`,
    '',
    '| Scenario | Ratio | Meaning |',
    '|---|---|---|',
  ];
  for (const s of report.scenarios) {
    for (const [i, r] of s.ratios.entries()) {
      lines.push(
        `| ${i === 0 ? s.title : ''} | ${r.label}: **${formatRatio(r)}** | ${r.meaning} |`,
      );
    }
  }
  for (const u of report.unavailable) lines.push(`| ${u.id} | not measured | ${u.reason} |`);
  return lines;
}

/** bench/results/latest.md: the headline, then each scenario's method and figures. */
export function formatMarkdown(report: BenchReport): string {
  const lines = ['### Benchmarks', '', ...formatHeadline(report)];
  for (const s of report.scenarios) {
    lines.push('', `#### ${s.title}`, '', s.method, '');
    for (const f of s.figures) lines.push(`- ${f.label}: ${formatValue(f)}`);
  }
  return `${lines.join('\n')}\n`;
}
