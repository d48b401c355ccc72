import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../lib/cli/io.ts';
import { main } from '../../lib/cli/main.ts';

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    cwd: process.cwd(),
    isTTY: false,
  };
}

describe('dr-replicator CLI', () => {
  it('exits 2 with a message on stderr for an unknown command', async () => {
    const io = captureIo();
    const code = await main(['node', 'dr-replicator', 'frobnicate'], io);
    expect(code).toBe(2);
    expect(io.err.join('')).toMatch(/unknown command/);
  });
});
