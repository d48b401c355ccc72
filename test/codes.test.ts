import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Code } from '../lib/codes.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

async function productSources(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of ['lib', 'functions']) {
    const entries = await readdir(path.join(ROOT, dir), { withFileTypes: true, recursive: true });
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith('.ts')) files.push(path.join(e.parentPath, e.name));
    }
  }
  return files;
}

describe('the code registry (lib/codes.ts)', () => {
  it('gives every code its own value', () => {
    const values = Object.values(Code);
    expect(new Set(values).size).toBe(values.length);
  });

  it('is the only table of codes in the product', async () => {
    const tables: string[] = [];
    for (const file of await productSources()) {
      if (file.endsWith(path.join('lib', 'codes.ts'))) continue;
      const text = await readFile(file, 'utf8');
      // ExitCode is the process exit status (0-3), not a code of records or errors.
      for (const m of text.matchAll(/export const (\w*Code\w*) = /g)) {
        if (m[1] === 'ExitCode') continue;
        tables.push(`${path.relative(ROOT, file)}: ${m[1]}`);
      }
    }
    expect(tables).toEqual([]);
  });

  it('is used by name: no error class is built with a literal code', async () => {
    const literals: string[] = [];
    for (const file of await productSources()) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/super\('([A-Z][\w.]*)'/g)) {
        literals.push(`${path.relative(ROOT, file)}: ${m[1]}`);
      }
    }
    expect(literals).toEqual([]);
  });
});
