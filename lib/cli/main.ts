import { Command, CommanderError } from 'commander';
import { ExitCode, ReplicatorError } from '../errors.ts';
import { neutralise } from '../terminal-safe.ts';
import { type CliIo, type CommandContext, processIo, scrubbedIo } from './io.ts';

type Register = (program: Command, ctx: CommandContext) => void;

/**
 * Each command module, loaded on demand: a command pulls in only its own dependencies (the
 * emulator does not load the engine, `validate` loads no SDK), which keeps start-up short.
 * The order is the order `--help` lists them in.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  validate: async () => (await import('./commands/validate.ts')).registerValidate,
  plan: async () => (await import('./commands/plan.ts')).registerPlan,
  run: async () => (await import('./commands/run.ts')).registerRun,
  status: async () => (await import('./commands/status.ts')).registerStatus,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  emulator: async () => (await import('./commands/emulator.ts')).registerEmulator,
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
  org: async () => (await import('./commands/org.ts')).registerOrg,
};

/** The command named in argv, or every command (for help and for unknown-command errors). */
async function loadCommands(argv: string[]): Promise<Register[]> {
  const name = argv[2];
  const only = name !== undefined && Object.hasOwn(COMMANDS, name) ? [COMMANDS[name]!] : null;
  return Promise.all((only ?? Object.values(COMMANDS)).map((load) => load()));
}

/**
 * Runs the CLI and resolves to the process exit code. Never throws: unexpected errors become
 * one line on stderr and exit code 2 (input) or 3 (aborted), never a stack trace.
 */
export async function main(argv: string[], rawIo: CliIo = processIo()): Promise<number> {
  const io = scrubbedIo(rawIo);
  let exitCode: number = ExitCode.Ok;
  const ctx: CommandContext = {
    io,
    setExitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  const program = new Command('dr-replicator')
    .description('Disaster recovery for Alibaba Cloud ECS: cross-region snapshot replication')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
    });
  for (const register of await loadCommands(argv)) register(program, ctx);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.InvalidInput;
    }
    const code = error instanceof ReplicatorError ? error.code : 'Unexpected';
    const message = error instanceof Error ? error.message : String(error);
    // Messages can quote cloud text (ids, error messages): shown escaped on one line.
    io.stderr(`dr-replicator: ${neutralise(code)}: ${neutralise(message)}\n`);
    return exitCode === ExitCode.Ok ? ExitCode.InvalidInput : exitCode;
  }
  return exitCode;
}
