import { Command, CommanderError, Help } from 'commander';
import { Code } from '../codes.ts';
import { ExitCode, ReplicatorError } from '../errors.ts';
import { neutralise } from '../terminal-safe.ts';
import { COMMAND_LIST, type CommandName } from './command-list.ts';
import { type CliIo, type CommandContext, processIo, scrubbedIo } from './io.ts';

type Register = (program: Command, ctx: CommandContext) => void;

/**
 * Each command module, loaded on demand: a command pulls in only its own dependencies (the
 * emulator does not load the engine, `validate` loads no SDK), which keeps start-up short.
 */
const COMMANDS: Record<CommandName, () => Promise<Register>> = {
  validate: async () => (await import('./commands/validate.ts')).registerValidate,
  plan: async () => (await import('./commands/plan.ts')).registerPlan,
  run: async () => (await import('./commands/run.ts')).registerRun,
  status: async () => (await import('./commands/status.ts')).registerStatus,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  emulator: async () => (await import('./commands/emulator.ts')).registerEmulator,
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
  org: async () => (await import('./commands/org.ts')).registerOrg,
};

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.hasOwn(COMMANDS, name);
}

/**
 * The command named in argv (`x ...` or `help x`), loaded; without one (`--help`, no
 * argument, an unknown name), every command as a stub from COMMAND_LIST, which is all the
 * top-level help and commander's unknown-command suggestions need.
 */
async function registerCommands(argv: string[], program: Command, ctx: CommandContext) {
  const name = argv[2] === 'help' ? argv[3] : argv[2];
  if (isCommand(name)) {
    (await COMMANDS[name]())(program, ctx);
    return;
  }
  for (const [stub, { summary }] of Object.entries(COMMAND_LIST)) {
    program.command(stub).description(summary);
  }
  const help = new Help();
  program.configureHelp({
    subcommandTerm: (cmd) => {
      const name = cmd.name();
      return isCommand(name) ? COMMAND_LIST[name].term : help.subcommandTerm(cmd);
    },
  });
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
  await registerCommands(argv, program, ctx);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.InvalidInput;
    }
    const code = error instanceof ReplicatorError ? error.code : Code.Unexpected;
    const message = error instanceof Error ? error.message : String(error);
    // Messages can quote cloud text (ids, error messages): shown escaped on one line.
    io.stderr(`dr-replicator: ${neutralise(code)}: ${neutralise(message)}\n`);
    return exitCode === ExitCode.Ok ? ExitCode.InvalidInput : exitCode;
  }
  return exitCode;
}
