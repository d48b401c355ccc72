import type { Command } from 'commander';
import { redactSecrets } from '../../cloud/errors.ts';
import { Code } from '../../codes.ts';
import { newRunId, runPolicy } from '../../engine/run.ts';
import { InvalidRunIdError, runIdProblem } from '../../engine/run-id.ts';
import type { RunSummary } from '../../engine/types.ts';
import { ExitCode, InvalidInputError, ReplicatorError } from '../../errors.ts';
import { acquireRunLease } from '../../ops/run-lease.ts';
import { leaseDir } from '../../records/spool.ts';
import { neutralise, toSafeJson } from '../../terminal-safe.ts';
import { budgetOption } from '../budget-option.ts';
import { COMMAND_LIST } from '../command-list.ts';
import type { CommandContext } from '../io.ts';
import { outputOption } from '../options.ts';
import { openPolicyContext } from '../policy-context.ts';
import { createProgressReporter } from '../render/progress.ts';
import { renderRunSummary } from '../render/summary.ts';

interface RunFlags {
  policy: string;
  dryRun: boolean;
  budget?: number;
  runId?: string;
  output: 'text' | 'json';
}

/** Signals that stop a run gracefully: no new copies, in-flight calls finish, records written. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * `run --policy F [--dry-run] [--budget 10m] [--run-id ID]`: one replication run. Live progress
 * goes to stderr (a redrawn bar on a terminal, plain lines otherwise); the summary goes to
 * stdout. Exit code: 0 ok, 1 some items failed, 2 invalid input, 3 aborted.
 */
export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description(COMMAND_LIST.run.summary)
    .requiredOption('--policy <file>', 'replication policy (YAML)')
    .option('--dry-run', 'decide and record what would be copied, without copying', false)
    .addOption(budgetOption())
    .option('--run-id <id>', 'correlation id stamped on every record (default: generated)')
    .addOption(outputOption())
    .action(async (flags: RunFlags) => {
      // Checked here, not by commander, whose message would echo the raw id (ESC and all).
      const runId = flags.runId ?? newRunId();
      const badRunId = runIdProblem(runId);
      if (badRunId !== undefined) throw new InvalidRunIdError(badRunId);
      const progress = createProgressReporter({
        write: (text) => ctx.io.stderr(text),
        tty: ctx.io.isTTY,
        // The io abstraction has no terminal width; the real stream does when it is one.
        ...(process.stderr.columns ? { columns: process.stderr.columns } : {}),
      });
      const context = await openPolicyContext(flags.policy, {
        ...ctx.io,
        // Records of a stdout log target land on the terminal between frames of the bar.
        stdout: (text) => {
          progress.release();
          ctx.io.stdout(text);
        },
      });
      // One run of a policy at a time where runs share the state folder; a dry run only reads.
      const lease = flags.dryRun
        ? undefined
        : await acquireRunLease(leaseDir(ctx.io.env), context.policy.name, runId);
      if (lease !== undefined && 'yielded' in lease) {
        const h = lease.yielded;
        progress.finish();
        ctx.io.stderr(
          `dr-replicator run: yielded: ${context.policy.name} is being run by ${h.runId} (pid ${h.pid} on ${h.host}) since ${h.acquiredAt}; its lease expires at ${h.expiresAt}\n`,
        );
        return;
      }
      const sink = await context.openSink();
      // Runs elsewhere (the FC timer, another laptop) are seen through the policy's logstore.
      const coordination = context.coordination();
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals): void => {
        ctx.io.stderr(`\n${signal}: finishing in-flight calls, starting no new copies\n`);
        stop.abort(signal);
      };
      for (const signal of STOP_SIGNALS) process.once(signal, onSignal);
      let summary: RunSummary;
      try {
        summary = await runPolicy({
          policy: context.policy,
          cloud: context.cloud,
          sink,
          runId,
          dryRun: flags.dryRun,
          ...(flags.budget === undefined ? {} : { budgetMs: flags.budget }),
          onEvent: (event) => progress.onEvent(event),
          signal: stop.signal,
          ...(coordination ? { coordination } : {}),
        });
      } catch (error) {
        if (error instanceof InvalidInputError) throw error;
        // The run stopped without a summary (account, permissions, the log store): it was
        // aborted, exit 3, not the exit 2 of bad input that main() gives other errors.
        const code = error instanceof ReplicatorError ? error.code : Code.Unexpected;
        const message = neutralise(
          redactSecrets(error instanceof Error ? error.message : String(error)),
        );
        ctx.io.stderr(`dr-replicator run: aborted: ${code}: ${message}\n`);
        ctx.setExitCode(ExitCode.Aborted);
        return;
      } finally {
        progress.finish();
        for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
        await lease?.acquired.release();
      }
      // One line of JSON: with a stdout log target the records precede it as JSON lines, and
      // the whole of stdout stays one JSON-lines stream.
      ctx.io.stdout(
        flags.output === 'json' ? `${toSafeJson(summary)}\n` : renderRunSummary(summary),
      );
      if (summary.yielded) {
        ctx.io.stderr(
          `dr-replicator run: yielded: ${neutralise(context.policy.name)} is being run by ${neutralise(summary.yielded.runId)} since ${summary.yielded.since}; its lease expires at ${summary.yielded.expiresAt}\n`,
        );
      }
      ctx.setExitCode(summary.exitCode);
    });
}
