import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors.ts';
import { checkPolicyFile, formatProblem, type PolicyProblem } from '../../policy/load.ts';
import { COMMAND_LIST } from '../command-list.ts';
import type { CommandContext } from '../io.ts';
import { outputOption } from '../options.ts';

/**
 * `dr-replicator validate <files..>`: every problem in every file, one line each
 * (`file:line:col: path: message`) or a JSON array; exit 0 when all are valid, else 2.
 */
export function registerValidate(program: Command, ctx: CommandContext): void {
  program
    .command('validate')
    .description(COMMAND_LIST.validate.summary)
    .argument('<files...>', 'policy YAML files')
    .addOption(outputOption())
    .action(async (files: string[], options: { output: 'text' | 'json' }) => {
      const problems: PolicyProblem[] = [];
      let invalidFiles = 0;
      for (const file of files) {
        const path = isAbsolute(file) ? file : resolve(ctx.io.cwd, file);
        const result = await checkPolicyFile(path, file);
        if (result.problems.length > 0) invalidFiles++;
        problems.push(...result.problems);
        // On stderr in both output modes: the JSON on stdout stays the list of problems.
        for (const w of result.warnings ?? []) {
          ctx.io.stderr(`warning: ${formatProblem(w)}\n`);
        }
        if (options.output === 'text' && result.problems.length === 0) {
          ctx.io.stderr(`${file}: ok\n`);
        }
      }
      if (options.output === 'json') {
        ctx.io.stdout(`${JSON.stringify(problems, null, 2)}\n`);
      } else {
        for (const p of problems) ctx.io.stdout(`${formatProblem(p)}\n`);
      }
      if (problems.length > 0) {
        ctx.io.stderr(
          `${problems.length} problem(s) in ${invalidFiles} of ${files.length} file(s)\n`,
        );
        ctx.setExitCode(ExitCode.InvalidInput);
      }
    });
}
