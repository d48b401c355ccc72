import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { createStdoutSink } from '../../cloud/sinks.ts';
import { ExitCode } from '../../errors.ts';
import { DEFAULT_RENOTIFY_MS, withoutRepeats } from '../../ops/alert-repeat.ts';
import { StatusUnavailableError } from '../../ops/errors.ts';
import { fileRecordSource, type RecordSource } from '../../ops/record-source.ts';
import { formatDuration } from '../../ops/schedule.ts';
import { slsRecordSource } from '../../ops/sls-record-source.ts';
import { alertsFromReport } from '../../ops/status-alerts.ts';
import { collectStatus } from '../../ops/status-collect.ts';
import { renderStatusHtml } from '../../ops/status-html.ts';
import { renderStatusText } from '../../ops/status-text.ts';
import type { LogSink } from '../../ports.ts';
import type { LogRecord } from '../../records/types.ts';
import { neutralise, toSafeJson } from '../../terminal-safe.ts';
import { parseDuration } from '../budget-option.ts';
import { COMMAND_LIST } from '../command-list.ts';
import type { CommandContext } from '../io.ts';
import { outputOption } from '../options.ts';
import { checkOutTarget, writeOutFile } from '../out-file.ts';
import { openPolicyContext, type PolicyContext } from '../policy-context.ts';

interface StatusFlags {
  policy: string;
  output: 'text' | 'json' | 'html';
  out: string;
  followSymlinks: boolean;
  alerts: boolean;
  renotify: number;
}

/**
 * `status --policy F [--output text|json|html] [--out status.html] [--no-alerts] [--renotify 24h]`: for each
 * (disk, destination) the newest completed copy and its age against the RPO, copies in flight
 * and the last failure, plus the heartbeat (a run within twice the schedule). Breaches and a
 * missed heartbeat are written as alert records (and posted to the webhook) unless --no-alerts;
 * one already recorded within --renotify (default 24h) is not written or posted again.
 * Exit code: 0 all within RPO, 1 a breach or a missed heartbeat, 2 invalid input, 3 the state
 * could not be read (listing or log store failed).
 */
export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .description(COMMAND_LIST.status.summary)
    .requiredOption('--policy <file>', 'replication policy (YAML)')
    .addOption(outputOption(['text', 'json', 'html']))
    .option('--out <file>', 'where --output html writes the page', 'status.html')
    .option('--follow-symlinks', 'let --out write through a symbolic link', false)
    .option('--no-alerts', 'report only; write no alert records and post no webhook')
    .option(
      '--renotify <duration>',
      'an alert already recorded within this interval is not written or posted again',
      parseDuration,
      DEFAULT_RENOTIFY_MS,
    )
    .action(async (flags: StatusFlags) => {
      // Before the work: a wrong --out must not cost a full collection first.
      const outTarget =
        flags.output === 'html'
          ? await checkOutTarget(path.resolve(ctx.io.cwd, flags.out), {
              followSymlinks: flags.followSymlinks,
            })
          : undefined;
      const context = await openPolicyContext(flags.policy, ctx.io);
      const { policy } = context;
      const now = new Date();
      let report: Awaited<ReturnType<typeof collectStatus>>;
      try {
        report = await collectStatus({
          policy,
          cloud: context.cloud,
          records: recordSourceFor(context),
          now,
        });
      } catch (error) {
        if (!(error instanceof StatusUnavailableError)) throw error;
        // Not an input problem: the state is unknown, which must not read as healthy.
        ctx.io.stderr(`dr-replicator status: ${error.code}: ${neutralise(error.message)}\n`);
        ctx.setExitCode(ExitCode.Aborted);
        return;
      }

      if (report.logStore !== undefined) {
        ctx.io.stderr(
          `dr-replicator status: log store unavailable, showing what the cloud shows without run history: ${neutralise(report.logStore.message)}\n`,
        );
      }

      if (flags.alerts) {
        const all = alertsFromReport(report, `status-${randomUUID()}`);
        // The log store is the memory: what was alerted lately is not posted again.
        const history = await recentHistory(context, now, flags.renotify);
        const { fresh: alerts, repeated } = withoutRepeats(all, history, {
          now,
          renotifyMs: flags.renotify,
        });
        if (repeated.length > 0) {
          ctx.io.stderr(
            `dr-replicator status: ${repeated.length} alert(s) already recorded within ${formatDuration(flags.renotify)}: not repeated\n`,
          );
        }
        if (alerts.length > 0) {
          const sink = await alertSink(context, ctx);
          try {
            await sink.write(alerts);
            await sink.close();
            ctx.io.stderr(`dr-replicator status: ${alerts.length} alert record(s) written\n`);
          } catch (error) {
            // The report still goes out: a log store that refuses alerts must not hide the grid.
            await sink.close().catch(() => {});
            ctx.io.stderr(
              `dr-replicator status: ${alerts.length} alert record(s) could not be written: ${neutralise((error as Error).message)}\n`,
            );
          }
        }
      }

      switch (flags.output) {
        case 'json':
          ctx.io.stdout(`${toSafeJson(report, 2)}\n`);
          break;
        case 'html': {
          if (outTarget === undefined) break;
          await writeOutFile(outTarget, renderStatusHtml(report));
          ctx.io.stderr(`dr-replicator status: wrote ${outTarget.file}\n`);
          break;
        }
        default:
          ctx.io.stdout(renderStatusText(report));
      }
      ctx.setExitCode(report.ok ? ExitCode.Ok : ExitCode.ItemsFailed);
    });
}

/**
 * Records of the last `renotifyMs`, for alert hygiene. None for a stdout log (every breach is
 * then alerted each time), and none when the read fails: repeating an alert is the safe side.
 */
async function recentHistory(
  context: PolicyContext,
  now: Date,
  renotifyMs: number,
): Promise<LogRecord[]> {
  const source = recordSourceFor(context);
  if (source === undefined) return [];
  return source
    .read({ from: new Date(now.getTime() - renotifyMs), to: now })
    .catch(() => [] as LogRecord[]);
}

/** The log store the policy's runs write to, read back; none for stdout. */
function recordSourceFor(context: PolicyContext): RecordSource | undefined {
  const log = context.policy.log;
  switch (log.type) {
    case 'stdout':
      return undefined;
    case 'file':
      return fileRecordSource(path.resolve(path.dirname(context.policyPath), log.path));
    case 'sls':
      return slsRecordSource(log, context.policy.name, context);
  }
}

/**
 * Where status writes its alert records: the policy's log store, except that stdout is the
 * report itself here, so a stdout-logging policy gets its alert lines on stderr instead.
 */
async function alertSink(context: PolicyContext, ctx: CommandContext): Promise<LogSink> {
  // openSink attaches the webhook; the stderr sink made here gets it the same way.
  return context.policy.log.type === 'stdout'
    ? context.withAlerts(createStdoutSink((text) => ctx.io.stderr(text)))
    : context.openSink();
}
