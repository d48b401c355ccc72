import type { Command } from 'commander';
import { Code } from '../../codes.ts';
import { newRunId, runPolicy } from '../../engine/run.ts';
import type { RunSummary } from '../../engine/types.ts';
import { ExitCode, InvalidInputError, ReplicatorError } from '../../errors.ts';
import { withAlertCount } from '../../ops/alert-count.ts';
import {
  type HealthLine,
  healthLineFromFailure,
  healthLineFromSummary,
} from '../../ops/health-line.ts';
import { acquireRunLease } from '../../ops/run-lease.ts';
import { describeSchedule, scheduleIntervalMs } from '../../ops/schedule.ts';
import { type ScheduledJob, startScheduler } from '../../ops/scheduler.ts';
import { parseSchedule } from '../../policy/cron.ts';
import { leaseDir } from '../../records/spool.ts';
import { neutralise, toSafeJson } from '../../terminal-safe.ts';
import { budgetOption } from '../budget-option.ts';
import { COMMAND_LIST } from '../command-list.ts';
import type { CliIo, CommandContext } from '../io.ts';
import { openPolicyContext, type PolicyContext } from '../policy-context.ts';

interface ServeFlags {
  policy: string[];
  budget?: number;
  runNow: boolean;
}

/** Signals that stop serve gracefully: runs in flight finish their calls and write records. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * `serve --policy F..`: runs each policy on its own schedule until SIGTERM/SIGINT. A policy
 * never has two runs at once (a tick that comes during a run is skipped and logged). Each run
 * prints one JSON health line on stdout; messages go to stderr. Exit code 0 after a graceful
 * stop, 2 when a policy is invalid (nothing is scheduled then).
 */
export function registerServe(program: Command, ctx: CommandContext): void {
  program
    .command('serve')
    .description(COMMAND_LIST.serve.summary)
    .requiredOption('--policy <files...>', 'replication policies (YAML), each on its own schedule')
    .addOption(
      budgetOption().default(
        undefined,
        'the longest gap between two scheduled runs, so a run ends before the next is due',
      ),
    )
    .option('--run-now', 'also run every policy once at start', false)
    .action(async (flags: ServeFlags) => {
      const policies = await openAll(flags.policy, ctx.io);
      const jobs = policies.map((p) => job(p, flags, ctx.io));
      const stopped = waitForStopSignal(ctx.io);
      const scheduler = startScheduler(jobs, {
        onSkipped: (name, at) =>
          ctx.io.stderr(
            `dr-replicator serve: ${neutralise(name)}: tick at ${at.toISOString()} skipped, the previous run is still in flight\n`,
          ),
        onFailed: (name, error) =>
          ctx.io.stderr(
            `dr-replicator serve: ${neutralise(name)}: run failed: ${neutralise(describeError(error))}\n`,
          ),
        onWarning: (name, message) =>
          ctx.io.stderr(`dr-replicator serve: ${neutralise(name)}: ${neutralise(message)}\n`),
      });
      for (const p of policies) {
        ctx.io.stderr(
          `dr-replicator serve: ${neutralise(p.context.policy.name)} scheduled ${describeSchedule(p.schedule)}\n`,
        );
      }
      if (flags.runNow) for (const p of policies) scheduler.trigger(p.context.policy.name);

      const signal = await stopped;
      ctx.io.stderr(
        `dr-replicator serve: ${signal}: stopping; waiting for ${scheduler.busy().length} run(s) in flight\n`,
      );
      await scheduler.stop();
      ctx.io.stderr('dr-replicator serve: stopped\n');
      ctx.setExitCode(ExitCode.Ok);
    });
}

interface ServedPolicy {
  context: PolicyContext;
  schedule: ReturnType<typeof parseSchedule>;
  intervalMs: number;
}

/** Every policy is loaded and checked before anything is scheduled: one bad file stops all. */
async function openAll(files: string[], io: CliIo): Promise<ServedPolicy[]> {
  const served: ServedPolicy[] = [];
  const names = new Set<string>();
  for (const file of files) {
    const context = await openPolicyContext(file, io);
    const name = context.policy.name;
    if (names.has(name)) {
      // The overlap guard is per policy name; two files with one name would race.
      throw new InvalidInputError(
        Code.DuplicatePolicyName,
        `${file}: policy name "${name}" is served twice`,
      );
    }
    names.add(name);
    const schedule = parseSchedule(context.policy.schedule);
    served.push({ context, schedule, intervalMs: scheduleIntervalMs(schedule) });
  }
  return served;
}

function job(served: ServedPolicy, flags: ServeFlags, io: CliIo): ScheduledJob {
  const { context, schedule } = served;
  const { policy, cloud } = context;

  return {
    name: policy.name,
    schedule,
    async run(signal) {
      const runId = newRunId();
      // The scheduler's guard covers this process; the lease covers a manual run beside it.
      const lease = await acquireRunLease(leaseDir(io.env), policy.name, runId);
      if ('yielded' in lease) {
        const h = lease.yielded;
        io.stderr(
          `dr-replicator serve: ${policy.name}: yielded: being run by ${h.runId} (pid ${h.pid} on ${h.host}) since ${h.acquiredAt}\n`,
        );
        return;
      }
      try {
        await leasedRun(runId, signal);
      } finally {
        await lease.acquired.release();
      }
    },
  };

  async function leasedRun(runId: string, signal: AbortSignal): Promise<void> {
    const startedAt = new Date();
    // runPolicy closes the sink it is given, so each run opens its own.
    const { sink, counts } = withAlertCount(await context.openSink());
    let summary: RunSummary;
    try {
      summary = await runPolicy({
        policy,
        cloud,
        sink,
        runId,
        budgetMs: flags.budget ?? served.intervalMs,
        signal,
      });
    } catch (error) {
      // The run may have thrown before closing its sink: flush what it wrote, post its alerts.
      await sink.close().catch(() => undefined);
      // A bad configuration is exit 2; anything else ended the run early, as an abort does.
      const invalid = error instanceof InvalidInputError;
      writeHealth(
        io,
        healthLineFromFailure({
          policy: policy.name,
          runId,
          exitCode: invalid ? ExitCode.InvalidInput : ExitCode.Aborted,
          errorCode: error instanceof ReplicatorError ? error.code : Code.Unexpected,
          message: describeError(error),
          startedAt,
          now: new Date(),
          alerts: counts,
        }),
      );
      return;
    }
    writeHealth(
      io,
      healthLineFromSummary(summary, {
        now: new Date(),
        interrupted: signal.aborted,
        alerts: counts,
      }),
    );
  }
}

function writeHealth(io: CliIo, line: HealthLine): void {
  io.stdout(`${toSafeJson(line)}\n`);
}

/** Resolves with the first SIGTERM/SIGINT and stops listening. */
function waitForStopSignal(io: CliIo): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
    io.stderr(`dr-replicator serve: pid ${process.pid}; SIGTERM or SIGINT stops gracefully\n`);
  });
}

function describeError(error: unknown): string {
  if (error instanceof ReplicatorError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
