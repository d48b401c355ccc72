import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../../bench/support/report.ts';
import { BENCH_END, BENCH_START, readmeSection } from '../../scripts/bench-readme.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe("README's benchmark table", () => {
  it('is exactly what bench/results/latest.json says (npm run bench:readme writes it)', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const report = JSON.parse(
      readFileSync(path.join(ROOT, 'bench', 'results', 'latest.json'), 'utf8'),
    ) as BenchReport;
    const start = readme.indexOf(BENCH_START);
    const end = readme.indexOf(BENCH_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start, end + BENCH_END.length)).toBe(readmeSection(report));
  });
});
