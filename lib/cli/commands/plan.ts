import type { Command } from 'commander';
import { redactSecrets } from '../../cloud/errors.ts';
import { Code } from '../../codes.ts';
import { planPolicy } from '../../engine/run.ts';
import type { Plan } from '../../engine/types.ts';
import { ExitCode, InvalidInputError, ReplicatorError } from '../../errors.ts';
import { neutralise, toSafeJson } from '../../terminal-safe.ts';
import { COMMAND_LIST } from '../command-list.ts';
import type { CommandContext } from '../io.ts';
import { outputOption } from '../options.ts';
import { openPolicyContext } from '../policy-context.ts';
import { planExitCode, renderPlan } from '../render/plan.ts';

interface PlanFlags {
  policy: string;
  output: 'text' | 'json';
}

/**
 * `plan --policy F`: what a run would do, item by item with the reason, and the API calls it
 * would make. Read-only: it lists and describes, never copies, tags, deletes or records.
 * Exit code: 0 nothing would fail, 1 an item would fail or a destination or source is unusable,
 * 2 invalid input, 3 aborted.
 */
export function registerPlan(program: Command, ctx: CommandContext): void {
  program
    .command('plan')
    .description(COMMAND_LIST.plan.summary)
    .requiredOption('--policy <file>', 'replication policy (YAML)')
    .addOption(outputOption())
    .action(async (flags: PlanFlags) => {
      const { policy, cloud } = await openPolicyContext(flags.policy, ctx.io);
      let plan: Plan;
      try {
        plan = await planPolicy({ policy, cloud });
      } catch (error) {
        if (error instanceof InvalidInputError) throw error;
        // The account or the credentials cannot do the work at all: the exit code of an aborted run.
        const code = error instanceof ReplicatorError ? error.code : Code.Unexpected;
        const message = neutralise(
          redactSecrets(error instanceof Error ? error.message : String(error)),
        );
        ctx.io.stderr(`dr-replicator plan: aborted: ${code}: ${message}\n`);
        ctx.setExitCode(ExitCode.Aborted);
        return;
      }
      ctx.io.stdout(flags.output === 'json' ? `${toSafeJson(plan, 2)}\n` : renderPlan(plan));
      ctx.setExitCode(planExitCode(plan));
    });
}
