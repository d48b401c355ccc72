import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Command, Help } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_LIST, type CommandName } from '../../lib/cli/command-list.ts';
import { processIo } from '../../lib/cli/io.ts';
import { buildCli } from '../../scripts/build-cli.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

const REGISTER: Record<CommandName, () => Promise<(p: Command, ctx: never) => void>> = {
  validate: async () => (await import('../../lib/cli/commands/validate.ts')).registerValidate,
  plan: async () => (await import('../../lib/cli/commands/plan.ts')).registerPlan,
  run: async () => (await import('../../lib/cli/commands/run.ts')).registerRun,
  status: async () => (await import('../../lib/cli/commands/status.ts')).registerStatus,
  serve: async () => (await import('../../lib/cli/commands/serve.ts')).registerServe,
  emulator: async () => (await import('../../lib/cli/commands/emulator.ts')).registerEmulator,
  demo: async () => (await import('../../lib/cli/commands/demo.ts')).registerDemo,
  org: async () => (await import('../../lib/cli/commands/org.ts')).registerOrg,
};

/** A loader hook that names every file the process loads, on stderr. */
const TRACE_LOADS =
  'data:text/javascript,' +
  encodeURIComponent(
    `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(
  "export async function load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\\\n'); return next(url, context); }"
));`,
  );

/** Its own build folder: the packed-install test rebuilds build/cli at the same time. */
const OUT = `build/test-cli-${process.pid}`;
let bin = '';

/** The files the compiled CLI loads for `args`; the bin itself among them (the hook fired). */
async function loadedFiles(args: string[]): Promise<string[]> {
  const { stderr } = await run(process.execPath, ['--import', TRACE_LOADS, bin, ...args], {
    cwd: ROOT,
  });
  const files = stderr
    .split('\n')
    .filter((line) => line.startsWith('LOADED '))
    .map((line) => line.slice('LOADED '.length));
  // Positive control: without it, "loads no SDK" would also pass if the hook never ran.
  expect(files).toContain(pathToFileURL(path.resolve(ROOT, bin)).href);
  return files;
}

describe('the top-level command list', () => {
  it('names every command with the term and description its module registers', async () => {
    for (const [name, entry] of Object.entries(COMMAND_LIST)) {
      const program = new Command('dr-replicator');
      (await REGISTER[name as CommandName]())(program, { io: processIo() } as never);
      const command = program.commands.find((c) => c.name() === name);
      expect(command, name).toBeDefined();
      expect(new Help().subcommandTerm(command as Command), name).toBe(entry.term);
      expect(command?.description(), name).toBe(entry.summary);
    }
  });
});

describe('the compiled CLI start-up', () => {
  beforeAll(async () => {
    bin = (await buildCli(ROOT, OUT)).bin;
  }, 120_000);

  afterAll(async () => {
    await rm(path.join(ROOT, OUT), { recursive: true, force: true });
  });

  it('lists every command on --help without loading any SDK', async () => {
    const files = await loadedFiles(['--help']);
    expect(files.some((f) => f.includes('/node_modules/@alicloud/'))).toBe(false);
    expect(files.some((f) => f.includes('/node_modules/re2-wasm/'))).toBe(false);
    const { stdout } = await run(process.execPath, [bin, '--help'], { cwd: ROOT });
    for (const entry of Object.values(COMMAND_LIST)) expect(stdout).toContain(`  ${entry.term}`);
  });

  it('validates a policy without a namePattern loading no SDK and no regular-expression engine', async () => {
    const files = await loadedFiles(['validate', 'policies/example.yaml']);
    expect(files.some((f) => f.includes('/node_modules/@alicloud/'))).toBe(false);
    expect(files.some((f) => f.includes('/node_modules/re2-wasm/'))).toBe(false);
  });
});
