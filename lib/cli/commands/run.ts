import type { Command } from 'commander';
import type { CommandContext } from '../io.ts';

// Placeholder until the owning issue lands; replaced, not extended.
export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description('(not yet available)')
    .allowUnknownOption()
    .action(() => {
      ctx.io.stderr('dr-replicator run: not yet available\n');
      ctx.setExitCode(2);
    });
}
