import type { Command } from 'commander';
import type { CommandContext } from '../io.ts';

// Placeholder until the owning issue lands; replaced, not extended.
export function registerDemo(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description('(not yet available)')
    .allowUnknownOption()
    .action(() => {
      ctx.io.stderr('dr-replicator demo: not yet available\n');
      ctx.setExitCode(2);
    });
}
