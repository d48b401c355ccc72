import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run chaos`: the chaos, crash and fuzz suites at full size (CHAOS_FULL=1): 500 disks
 * under faults, 20 kill -9 points, 10 000 fuzz cases per property, 3 000 random worlds for the
 * recovery-point invariants (DR_MODEL_RUNS overrides). `npm test` runs the same
 * files at short size. CHAOS_SEED=<n> replays a run; extra arguments go to vitest.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VITEST = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const seed = process.env.CHAOS_SEED;

process.stderr.write(
  `chaos: full size${seed ? `, seed ${seed}` : ''}; set CHAOS_SEED=<n> to replay another schedule\n`,
);
const child = spawn(
  process.execPath,
  [
    VITEST,
    'run',
    'test/chaos',
    'test/fuzz',
    'test/engine/invariants.model.test.ts',
    ...process.argv.slice(2),
  ],
  { cwd: ROOT, stdio: 'inherit', env: { DR_MODEL_RUNS: '3000', ...process.env, CHAOS_FULL: '1' } },
);
child.once('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
