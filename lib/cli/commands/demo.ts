import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { type RunningEmulator, startEmulator } from '../../../emulator/index.ts';
import { createSlsReader } from '../../cloud/sls.ts';
import type { LogRecord } from '../../engine/records.ts';
import { newRunId, runPolicy } from '../../engine/run.ts';
import type { RunSummary } from '../../engine/types.ts';
import { ExitCode } from '../../errors.ts';
import { parseLogRecord } from '../../ops/record-parse.ts';
import { scheduleIntervalMs } from '../../ops/schedule.ts';
import { parseSchedule } from '../../policy/cron.ts';
import type { LogTarget, Policy } from '../../policy/schema.ts';
import type { CliIo, CommandContext } from '../io.ts';
import { openPolicyContext, type PolicyContext } from '../policy-context.ts';
import { createProgressReporter } from '../render/progress.ts';
import { renderRecords } from '../render/records.ts';
import { OUTCOME_ORDER, renderRunSummary, resultWord } from '../render/summary.ts';
import { countsPhrase, formatMs } from '../render/table.ts';

/**
 * `demo` (npm start): the example policy against an in-process emulator, end to end. Run once,
 * let the virtual clock pass so the copies finish, and run again until a run has nothing new
 * to start (the API allows one unfinished copy per disk per destination, so a backlog drains
 * one snapshot per disk per run). Then read records back from the emulated Log Service.
 * Loopback only; nothing leaves the machine.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEMO_POLICY = path.join(ROOT, 'policies', 'example.yaml');

/** The policy logs to stdout; the demo sends records to the emulated SLS to read them back. */
export const DEMO_LOG_TARGET = {
  type: 'sls',
  project: 'dr-demo',
  logstore: 'replication',
  region: 'cn-hangzhou',
} as const satisfies LogTarget;

/** A backlog of copyMode: all drains one snapshot per disk per run; this bounds the demo. */
const MAX_RUNS = 12;
const FALLBACK_STEP_SECONDS = 4 * 3600;
const RECORDS_SHOWN = { runs: 2, items: 4 } as const;

interface DemoFlags {
  policy: string;
  state?: string;
}

/** The time between two scheduled runs: each demo run is the next timer tick. */
function stepSeconds(policy: Policy): number {
  try {
    return Math.round(scheduleIntervalMs(parseSchedule(policy.schedule)) / 1000);
  } catch {
    return FALLBACK_STEP_SECONDS;
  }
}

function oneLine(n: number, summary: RunSummary): string {
  const counts = countsPhrase(summary.totals, OUTCOME_ORDER);
  return `Run ${n}: ${counts} (${resultWord(summary.exitCode)}, ${formatMs(summary.durationMs)})`;
}

async function runOnce(context: PolicyContext, io: CliIo): Promise<RunSummary> {
  const progress = createProgressReporter({ write: (t) => io.stderr(t), tty: io.isTTY });
  try {
    return await runPolicy({
      policy: context.policy,
      cloud: context.cloud,
      sink: await context.openSink(DEMO_LOG_TARGET),
      runId: newRunId(),
      // The run keeps the wall clock, not the emulator's virtual one: the emulated SLS, like
      // the real one, refuses records stamped hours in the future.
      // On a pipe the summaries say it all; per-event lines would bury them.
      onEvent: io.isTTY ? (event) => progress.onEvent(event) : () => undefined,
    });
  } finally {
    progress.finish();
  }
}

async function readBack(
  context: PolicyContext,
  emulator: RunningEmulator,
  from: Date,
): Promise<{ all: LogRecord[]; shown: LogRecord[] }> {
  const reader = createSlsReader({
    project: DEMO_LOG_TARGET.project,
    logstore: DEMO_LOG_TARGET.logstore,
    region: DEMO_LOG_TARGET.region,
    credentials: context.credentials,
    endpoint: emulator.url,
  });
  const to = new Date(Math.max(Date.now(), emulator.admin.now().getTime()) + 3_600_000);
  const parse = (rows: Record<string, string>[]): LogRecord[] =>
    rows.map((row) => parseLogRecord(row)).filter((r): r is LogRecord => r !== undefined);
  const all = parse(await reader.query({ from, to, limit: 10_000 }));
  const runs = parse(
    await reader.query({ from, to, query: 'kind: run', limit: RECORDS_SHOWN.runs }),
  );
  const items = parse(
    await reader.query({
      from,
      to,
      query: 'kind: item and (outcome: completed or outcome: started)',
      limit: RECORDS_SHOWN.items,
    }),
  );
  return { all, shown: [...runs, ...items] };
}

function nextSteps(policyShown: string, state: string | undefined): string {
  const stateDir = state ?? '.state/emulator';
  return [
    'Next steps',
    '  1. Keep an emulated cloud running; it prints its URL and the credentials to export:',
    `       npx dr-replicator emulator --world demo --state ${stateDir}`,
    '  2. Point the CLI at it and preview a run, item by item with the reason:',
    `       DR_REPLICATOR_ENDPOINT=http://127.0.0.1:<port> npx dr-replicator plan --policy ${policyShown}`,
    `     then run it for real: npx dr-replicator run --policy ${policyShown}`,
    '  3. README.md covers policies, deploying the Function Compute handler (s.yaml) and the',
    '     SLS alert rules that watch these records.',
    '',
  ].join('\n');
}

export function registerDemo(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description('run the example policy end to end against an in-process emulator (npm start)')
    .option('--policy <file>', 'policy to run', DEMO_POLICY)
    .option('--state <dir>', 'keep the emulated cloud in this folder (default: a temporary one)')
    .action(async (flags: DemoFlags) => {
      const { io } = ctx;
      const say = (text = ''): void => io.stdout(`${text}\n`);
      const stateDir = flags.state
        ? path.resolve(io.cwd, flags.state)
        : await mkdtemp(path.join(tmpdir(), 'dr-replicator-demo-'));
      const started = new Date();
      const emulator = await startEmulator({ world: 'demo', stateDir });
      try {
        const context = await openPolicyContext(flags.policy, {
          env: {
            ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.credentials.accessKeySecret,
            DR_REPLICATOR_ENDPOINT: emulator.url,
          },
          cwd: io.cwd,
          stdout: io.stdout,
        });
        const { policy } = context;
        const policyShown = path.relative(io.cwd, context.policyPath) || context.policyPath;
        const step = stepSeconds(policy);
        say(
          'dr-replicator demo: a replication policy against an emulated Alibaba Cloud on this machine',
        );
        say();
        say(
          `Emulator  ${emulator.url} (demo world; state in ${stateDir}${flags.state ? '' : ', removed at exit'})`,
        );
        say(
          `Policy    ${policyShown} (${policy.name}): ${policy.source.regions.join(', ')} -> ` +
            policy.destinations.map((d) => d.region).join(', '),
        );
        say(
          `Records   emulated SLS ${DEMO_LOG_TARGET.project}/${DEMO_LOG_TARGET.logstore} ` +
            `(${DEMO_LOG_TARGET.region}), overriding the policy's log target (${policy.log.type}) ` +
            'so they can be read back',
        );

        let last: RunSummary | undefined;
        let n = 0;
        while (n < MAX_RUNS) {
          n += 1;
          if (n > 1) {
            const at = emulator.admin.advanceClock(step);
            say(
              `Clock +${formatMs(step * 1000)} to ${at.toISOString()} (the next scheduled run): copies in flight finish`,
            );
          }
          last = await runOnce(context, io);
          const caughtUp = last.totals.started === 0;
          if (n === 1 || caughtUp || last.exitCode === ExitCode.Aborted) {
            say();
            say(renderRunSummary(last).trimEnd());
            say();
          } else {
            say(oneLine(n, last));
          }
          if (caughtUp || last.exitCode === ExitCode.Aborted) break;
        }
        if (last && last.totals.started === 0) {
          say(
            `Run ${n} recorded ${last.totals.completed} completion(s) and started no new copy: ` +
              'the backlog is drained.',
          );
          if (last.totals.failed > 0) {
            say(
              `${last.totals.failed} item(s) failed in every run: the FAILED column and the ` +
                'records below say why (a policy fix, not a retry, resolves them).',
            );
          }
        } else if (last && last.exitCode !== ExitCode.Aborted) {
          say(`Stopped after ${n} runs with copies still starting; later runs would continue.`);
        }
        say();

        const records = await readBack(
          context,
          emulator,
          new Date(Math.min(started.getTime(), emulator.admin.now().getTime()) - 3_600_000),
        );
        const kinds = countsPhrase(
          records.all.reduce<Record<string, number>>((acc, r) => {
            acc[r.kind] = (acc[r.kind] ?? 0) + 1;
            return acc;
          }, {}),
          ['item', 'run', 'alert'],
        );
        say(
          `Read back from SLS ${DEMO_LOG_TARGET.project}/${DEMO_LOG_TARGET.logstore}: ` +
            `${records.all.length} records (${kinds}); the newest runs and copies:`,
        );
        say();
        say(renderRecords(records.shown).trimEnd());
        say();
        say(nextSteps(policyShown, flags.state));
        if (last?.exitCode === ExitCode.Aborted) ctx.setExitCode(ExitCode.Aborted);
      } finally {
        await emulator.stop();
        if (!flags.state) await rm(stateDir, { recursive: true, force: true });
      }
    });
}
