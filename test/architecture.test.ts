import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The layering ARCHITECTURE.md draws, checked on the import statements themselves. */

const ROOT = path.resolve(import.meta.dirname, '..');

interface Import {
  file: string;
  /** A package name, or a path relative to the repository root. */
  target: string;
}

/**
 * The imports of one layer: a folder (read recursively) or a single .ts file. A missing or
 * renamed layer fails here (readdir / readFile throw) instead of scanning nothing, and a layer
 * with no import at all is taken for a wrong path.
 */
async function importsOf(dir: string): Promise<Import[]> {
  const abs = path.join(ROOT, dir);
  const files = dir.endsWith('.ts')
    ? [abs]
    : (await readdir(abs, { withFileTypes: true, recursive: true }))
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => path.join(e.parentPath, e.name));
  const out: Import[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    // Type-only imports are contracts, not dependencies at run time: they still count here.
    for (const m of text.matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
      const spec = m[1] ?? '';
      const target = spec.startsWith('.')
        ? path.relative(ROOT, path.resolve(path.dirname(file), spec))
        : spec;
      out.push({ file: path.relative(ROOT, file), target });
    }
  }
  expect(out.length, `imports scanned in ${dir}`).toBeGreaterThan(0);
  return out;
}

const show = (list: Import[]) => list.map((i) => `${i.file} -> ${i.target}`);

describe('the layers', () => {
  it('keeps the engine, the domain rules, the records and the ports free of any SDK', async () => {
    const inner = [
      ...(await importsOf('lib/engine')),
      ...(await importsOf('lib/domain')),
      ...(await importsOf('lib/records')),
      ...(await importsOf('lib/ports.ts')),
    ];
    expect(show(inner.filter((i) => i.target.startsWith('@alicloud/')))).toEqual([]);
  });

  it('lets the engine use no cloud adapter, only the cloud error contract and call helpers', async () => {
    const allowed = new Set([
      'lib/cloud/errors.ts',
      'lib/cloud/metrics.ts',
      'lib/cloud/call-deadline.ts',
    ]);
    const engine = await importsOf('lib/engine');
    const adapters = engine.filter(
      (i) => i.target.startsWith('lib/cloud/') && !allowed.has(i.target),
    );
    expect(show(adapters)).toEqual([]);
  });

  it('never lets an inner layer import an outer one', async () => {
    const rules: [string, string[]][] = [
      ['lib/ports.ts', ['lib/engine/', 'lib/ops/', 'lib/cli/', 'lib/cloud/', 'lib/org/']],
      ['lib/domain', ['lib/engine/', 'lib/ops/', 'lib/cli/', 'lib/org/']],
      ['lib/records', ['lib/engine/', 'lib/ops/', 'lib/cli/', 'lib/org/']],
      ['lib/policy', ['lib/engine/', 'lib/ops/', 'lib/cli/', 'lib/org/', 'lib/cloud/']],
      ['lib/cloud', ['lib/engine/', 'lib/ops/', 'lib/cli/', 'lib/org/']],
      ['lib/engine', ['lib/ops/', 'lib/cli/', 'lib/org/']],
      ['lib/ops', ['lib/cli/']],
      ['lib/org', ['lib/cli/']],
      ['lib/runtime.ts', ['lib/cli/']],
      ['functions', ['lib/cli/']],
    ];
    const broken: string[] = [];
    for (const [layer, outer] of rules) {
      for (const i of await importsOf(layer)) {
        if (outer.some((o) => i.target.startsWith(o))) broken.push(`${i.file} -> ${i.target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
