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

/** The console block for one scenario: figures, then the single ratio line. */
export function formatScenario(result: ScenarioResult): string {
  const lines = [`\n== ${result.title} ==`, `   method: ${result.method}`];
  for (const f of result.figures) lines.push(`   ${f.label}: ${formatValue(f)}`);
  for (const r of result.ratios) lines.push(`RATIO ${r.label}: ${formatValue(r)}  (${r.meaning})`);
  return lines.join('\n');
}

/** The README snippet: one table row per scenario and the method notes under it. */
export function formatMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    '### Benchmarks',
    '',
    `Measured with \`${report.command}\` on ${report.generatedAt.slice(0, 10)}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}. Every figure comes from that run (bench/results/latest.json).`,
    '',
    '| Scenario | Ratio | Figures |',
    '|---|---|---|',
  ];
  for (const s of report.scenarios) {
    const figures = s.figures.map((f) => `${f.label}: ${formatValue(f)}`).join('; ');
    const ratios = s.ratios
      .map((r) => `**${r.label}: ${formatValue(r)}** (${r.meaning})`)
      .join('<br>');
    lines.push(`| ${s.title} | ${ratios} | ${figures} |`);
  }
  for (const u of report.unavailable) lines.push(`| ${u.id} | not measured | ${u.reason} |`);
  lines.push('', 'How each figure is measured:', '');
  for (const s of report.scenarios) lines.push(`- **${s.title}**: ${s.method}`);
  return `${lines.join('\n')}\n`;
}
