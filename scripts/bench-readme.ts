import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchReport, formatHeadline } from '../bench/support/report.ts';

/**
 * `npm run bench:readme`: writes the README's benchmark table from bench/results/latest.json,
 * between the bench markers. `npm run bench` calls it after a full run; a test fails when the
 * README and latest.json disagree, so no figure in the README is ever typed by hand.
 */

export const BENCH_START =
  '<!-- bench:start (written by npm run bench:readme from bench/results/latest.json) -->';
export const BENCH_END = '<!-- bench:end -->';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function readmeSection(report: BenchReport): string {
  return [BENCH_START, ...formatHeadline(report), BENCH_END].join('\n');
}

/** The README with its bench section replaced; throws when the markers are missing. */
export function withBenchSection(readme: string, report: BenchReport): string {
  const start = readme.indexOf(BENCH_START);
  const end = readme.indexOf(BENCH_END);
  if (start < 0 || end < start) throw new Error('README.md has no bench markers');
  return readme.slice(0, start) + readmeSection(report) + readme.slice(end + BENCH_END.length);
}

export async function updateReadme(root = ROOT): Promise<void> {
  const report = JSON.parse(
    await readFile(path.join(root, 'bench', 'results', 'latest.json'), 'utf8'),
  ) as BenchReport;
  const file = path.join(root, 'README.md');
  await writeFile(file, withBenchSection(await readFile(file, 'utf8'), report));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await updateReadme();
  process.stdout.write('README.md benchmark table written from bench/results/latest.json\n');
}
