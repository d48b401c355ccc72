import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildCli } from '../../scripts/build-cli.ts';
import { REPO_ROOT } from '../deploy/support/paths.ts';

const execFileAsync = promisify(execFile);

/** `npm run demo:org` runs the compiled CLI, whose modules live in build/cli/chunks. */
describe('the compiled CLI', () => {
  it('runs the organisation demo with the shipped RAM documents (npm run demo:org)', async () => {
    const { bin } = await buildCli(REPO_ROOT);
    const { stdout } = await execFileAsync(
      process.execPath,
      [bin, 'org', 'demo', '--accounts', '2', '--output', 'json'],
      { cwd: REPO_ROOT, timeout: 120_000 },
    );
    const status = JSON.parse(stdout) as { totals: Record<string, number> };
    expect(status.totals).toEqual({ accounts: 2, ok: 1, failing: 1, neverRan: 0 });
  }, 180_000);
});
