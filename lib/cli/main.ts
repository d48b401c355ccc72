import { Command, CommanderError } from 'commander';
import { ExitCode, ReplicatorError } from '../errors.ts';
import { registerDemo } from './commands/demo.ts';
import { registerEmulator } from './commands/emulator.ts';
import { registerPlan } from './commands/plan.ts';
import { registerRun } from './commands/run.ts';
import { registerServe } from './commands/serve.ts';
import { registerStatus } from './commands/status.ts';
import { registerValidate } from './commands/validate.ts';
import { type CliIo, type CommandContext, processIo } from './io.ts';

/**
 * Runs the CLI and resolves to the process exit code. Never throws: unexpected errors become
 * one line on stderr and exit code 2 (input) or 3 (aborted), never a stack trace.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
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
  registerValidate(program, ctx);
  registerPlan(program, ctx);
  registerRun(program, ctx);
  registerStatus(program, ctx);
  registerServe(program, ctx);
  registerEmulator(program, ctx);
  registerDemo(program, ctx);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.InvalidInput;
    }
    const code = error instanceof ReplicatorError ? error.code : 'Unexpected';
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`dr-replicator: ${code}: ${message}\n`);
    return exitCode === ExitCode.Ok ? ExitCode.InvalidInput : exitCode;
  }
  return exitCode;
}
