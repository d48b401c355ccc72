import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { type RunningEmulator, startEmulator } from '../../../emulator/index.ts';
import { createSlsReader } from '../../cloud/sls.ts';
import { newRunId, runPolicy } from '../../engine/run.ts';
import type { RunEvent, RunSummary } from '../../engine/types.ts';
import { ExitCode } from '../../errors.ts';
import { scheduleIntervalMs } from '../../ops/schedule.ts';
import { parseSchedule } from '../../policy/cron.ts';
import type { LogTarget, Policy } from '../../policy/schema.ts';
import { parseLogRecord } from '../../records/parse.ts';
import type { LogRecord } from '../../records/types.ts';
import { COMMAND_LIST } from '../command-list.ts';
import type { CliIo, CommandContext } from '../io.ts';
import { packageRoot } from '../package-root.ts';
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

export const DEMO_POLICY = path.join(packageRoot(), 'policies', 'example.yaml');

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

async function runOnce(
  context: PolicyContext,
  emulator: RunningEmulator,
  io: CliIo,
): Promise<RunSummary> {
  const progress = createProgressReporter({ write: (t) => io.stderr(t), tty: io.isTTY });
  try {
    return await runPolicy({
      policy: context.policy,
      cloud: context.cloud,
      sink: await context.openSink(DEMO_LOG_TARGET),
      runId: newRunId(),
      // The demo moves the emulator's clock between runs: RPO ages, lookback windows and record
      // times must all be read on that one clock (the emulated SLS follows it too).
      now: () => emulator.admin.now(),
      // Waits (a restore drill's polls, backoff, the limiter) pass on that clock too: a drill
      // disk fills in virtual seconds instead of holding the demo for real ones.
      tuning: {
        clock: () => emulator.admin.now().getTime(),
        sleep: async (ms: number) => {
          if (ms > 0) emulator.admin.advanceClock(ms / 1000);
        },
      },
      // On a pipe the summaries say it all; per-event lines would bury them.
      ...(io.isTTY ? { onEvent: (event: RunEvent) => progress.onEvent(event) } : {}),
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
  // Records carry the virtual clock's times (see runOnce).
  const to = new Date(emulator.admin.now().getTime() + 60_000);
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

type Say = (text?: string) => void;

function sayHeader(
  say: Say,
  emulator: RunningEmulator,
  context: PolicyContext,
  state: string,
  kept: boolean,
  policyShown: string,
): void {
  const { policy } = context;
  say('dr-replicator demo: a replication policy against an emulated Alibaba Cloud on this machine');
  say();
  say(
    `Emulator  ${emulator.url} (demo world; state in ${state}${kept ? '' : ', removed at exit'})`,
  );
  say(
    `Policy    ${policyShown} (${policy.name}): ${policy.source.regions.join(', ')} -> ` +
      policy.destinations.map((d) => d.region).join(', '),
  );
  say(
    `Records   emulated SLS ${DEMO_LOG_TARGET.project}/${DEMO_LOG_TARGET.logstore} ` +
      `(${DEMO_LOG_TARGET.region}), overriding the policy's log target (${policy.log.type})`,
  );
  say('          so the demo can read them back');
}

/**
 * Runs, then lets a schedule interval pass on the virtual clock and runs again, until a run
 * starts nothing (or aborts). The first and last runs get the full table, the others a line.
 */
async function runUntilCaughtUp(
  say: Say,
  context: PolicyContext,
  emulator: RunningEmulator,
  io: CliIo,
): Promise<RunSummary> {
  const step = stepSeconds(context.policy);
  for (let n = 1; ; n++) {
    if (n > 1) {
      const at = emulator.admin.advanceClock(step);
      say(
        `Clock +${formatMs(step * 1000)} to ${at.toISOString()} (the next scheduled run): ` +
          'copies in flight finish',
      );
    }
    const summary = await runOnce(context, emulator, io);
    const caughtUp = summary.totals.started === 0;
    const aborted = summary.exitCode === ExitCode.Aborted;
    const final = caughtUp || aborted || n === MAX_RUNS;
    if (n === 1 || final) {
      say();
      say(renderRunSummary(summary).trimEnd());
      say();
    } else {
      say(oneLine(n, summary));
    }
    if (!final) continue;
    if (caughtUp) {
      say(
        `Run ${n} recorded ${summary.totals.completed} completion(s) and started no new copy: ` +
          'the backlog is drained.',
      );
      if (summary.totals.failed > 0) {
        say(`${summary.totals.failed} item(s) still failed: the table and the records say why.`);
      }
    } else if (!aborted) {
      say(`Stopped after ${n} runs with copies still starting; later runs would go on.`);
    }
    return summary;
  }
}

/** Per locking destination: how many of the policy's completed copies ECS now holds locked. */
function sayLocks(say: Say, context: PolicyContext, emulator: RunningEmulator): void {
  const now = emulator.admin.now().getTime();
  for (const dest of context.policy.destinations) {
    if (!dest.lock) continue;
    const copies = emulator.admin
      .snapshots(dest.region)
      .filter(
        (s) =>
          s.tags['dr-replicator:policy'] === context.policy.name && s.status === 'accomplished',
      );
    const locked = copies.filter(
      (s) => s.lock !== undefined && s.lock.durationStart + s.lock.durationDays * 86_400_000 > now,
    );
    say(
      `Locked in ${dest.region}: ${locked.length} of ${copies.length} completed copies ` +
        `(compliance mode, ${dest.lock.days} days, cool-off ${dest.lock.coolOffHours} h): ` +
        'DeleteSnapshot fails on them, whoever asks.',
    );
  }
}

/** Per destination: the restore drills the runs recorded (restored or failed), and how long. */
async function sayDrills(
  say: Say,
  context: PolicyContext,
  emulator: RunningEmulator,
  since: Date,
): Promise<void> {
  if (!context.policy.restoreDrill) return;
  const { all } = await readBack(context, emulator, since);
  for (const r of all) {
    if (r.kind !== 'item' || (r.outcome !== 'restored' && r.outcome !== 'restore-failed')) continue;
    const result =
      r.outcome === 'restored'
        ? `restored to disk ${r.drillDiskId} in ${formatMs(r.durationMs)}, disk deleted`
        : `FAILED (${r.errorCode ?? 'unknown'})`;
    say(
      `Restore drill in ${r.destRegion}: ${r.copySnapshotId} (recovery point ${r.recoveryPoint ?? 'unknown'}) ${result}`,
    );
  }
  const left = emulator.admin
    .disks()
    .filter((d) => d.tags['dr-replicator:drill'] === context.policy.name);
  say(`Drill disks left: ${left.length}`);
}

async function sayRecords(
  say: Say,
  context: PolicyContext,
  emulator: RunningEmulator,
  since: Date,
): Promise<void> {
  const records = await readBack(context, emulator, since);
  const perKind: Record<string, number> = {};
  for (const record of records.all) perKind[record.kind] = (perKind[record.kind] ?? 0) + 1;
  say(
    `Read back from SLS ${DEMO_LOG_TARGET.project}/${DEMO_LOG_TARGET.logstore}: ` +
      `${records.all.length} records (${countsPhrase(perKind, ['item', 'run', 'alert'])}); ` +
      'the newest runs and copies:',
  );
  say();
  say(renderRecords(records.shown).trimEnd());
}

export function registerDemo(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description(COMMAND_LIST.demo.summary)
    .option('--policy <file>', 'policy to run', DEMO_POLICY)
    .option('--state <dir>', 'keep the emulated cloud in this folder (default: a temporary one)')
    .action(async (flags: DemoFlags) => {
      const { io } = ctx;
      const say: Say = (text = '') => io.stdout(`${text}\n`);
      const stateDir = flags.state
        ? path.resolve(io.cwd, flags.state)
        : await mkdtemp(path.join(tmpdir(), 'dr-replicator-demo-'));
      const emulator = await startEmulator({ world: 'demo', stateDir });
      // Records carry virtual times; read back from an hour before the demo's first run.
      const since = new Date(emulator.admin.now().getTime() - 3_600_000);
      try {
        const context = await openPolicyContext(flags.policy, {
          env: {
            ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
            ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.credentials.accessKeySecret,
            DR_REPLICATOR_ENDPOINT: emulator.url,
          },
          cwd: io.cwd,
          stdout: io.stdout,
          stderr: io.stderr,
        });
        const policyShown = path.relative(io.cwd, context.policyPath) || context.policyPath;
        sayHeader(say, emulator, context, stateDir, flags.state !== undefined, policyShown);
        const last = await runUntilCaughtUp(say, context, emulator, io);
        sayLocks(say, context, emulator);
        await sayDrills(say, context, emulator, since);
        say();
        await sayRecords(say, context, emulator, since);
        say();
        say(nextSteps(policyShown, flags.state));
        if (last.exitCode === ExitCode.Aborted) ctx.setExitCode(ExitCode.Aborted);
      } finally {
        await emulator.stop();
        if (!flags.state) await rm(stateDir, { recursive: true, force: true });
      }
    });
}
