import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const EMULATOR = path.resolve(import.meta.dirname, '../../emulator');

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('the emulator', () => {
  it('imports no module of the product (it stands for the cloud, not for us)', async () => {
    const offenders: string[] = [];
    for (const file of await sources(EMULATOR)) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import\()\s*'([^']+)'/g)) {
        const target = path.resolve(path.dirname(file), m[1] ?? '');
        if (m[1]?.startsWith('.') && !target.startsWith(EMULATOR)) {
          offenders.push(`${path.relative(EMULATOR, file)} -> ${m[1]}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
