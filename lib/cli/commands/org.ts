import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import pLimit from 'p-limit';
import { credentialsFromEnv, endpointFromEnv } from '../../cloud/clients.ts';
import { redactSecrets } from '../../cloud/errors.ts';
import { createSink } from '../../cloud/sinks.ts';
import { Code } from '../../codes.ts';
import { newRunId } from '../../engine/run.ts';
import { ExitCode, ReplicatorError } from '../../errors.ts';
import { fileRecordSource } from '../../ops/record-source.ts';
import { slsRecordSource } from '../../ops/sls-record-source.ts';
import { planInAccount } from '../../org/account-plan.ts';
import type { AccountRunResult } from '../../org/account-run.ts';
import { createDirectoryApi } from '../../org/directory.ts';
import { checkOrgFile, loadOrgFile } from '../../org/load.ts';
import { runTarget } from '../../org/run-target.ts';
import type { Org } from '../../org/schema.ts';
import { orgStatus, renderOrgStatusHtml, renderOrgStatusText } from '../../org/status.ts';
import { createStsApi } from '../../org/sts.ts';
import { orgTargets, policyPath, resolveAccounts } from '../../org/targets.ts';
import { workerTaskId } from '../../org/task-id.ts';
import { checkPolicyFile, loadPolicyFile } from '../../policy/load.ts';
import { formatProblem, type PolicyProblem } from '../../policy/problems.ts';
import type { Policy } from '../../policy/schema.ts';
import { neutralise, toSafeJson } from '../../terminal-safe.ts';
import { COMMAND_LIST } from '../command-list.ts';
import type { CommandContext } from '../io.ts';
import { outputOption } from '../options.ts';
import { planExitCode, renderPlan } from '../render/plan.ts';

interface OrgFlags {
  org: string;
  output: 'text' | 'json' | 'html';
  concurrency?: string;
  runId?: string;
  out?: string;
  days?: string;
}

function connection(ctx: CommandContext) {
  return { credentials: credentialsFromEnv(ctx.io.env), endpoint: endpointFromEnv(ctx.io.env) };
}

async function accountsOf(org: Org, ctx: CommandContext): Promise<string[]> {
  if (org.accounts !== undefined) return resolveAccounts(org);
  const c = connection(ctx);
  return resolveAccounts(org, createDirectoryApi(c.credentials, c.endpoint));
}

/**
 * `org validate|plan|run|status --org F`: the organisation fan-out from one machine. `plan` and
 * `run` work in each (account, policy) here, at most `concurrency` at once, under the member
 * role. `plan` exits 1 when any account would fail or cannot be planned (no role, refused
 * credentials), 0 otherwise; every other account is still planned.
 */
export function registerOrg(program: Command, ctx: CommandContext): void {
  const org = program.command('org').description(COMMAND_LIST.org.summary);
  const file = (flags: OrgFlags) => path.resolve(ctx.io.cwd, flags.org);

  org
    .command('validate')
    .description('check the organisation file and every policy it names')
    .requiredOption('--org <file>', 'organisation file (YAML)')
    .addOption(outputOption())
    .action(async (flags: OrgFlags) => {
      const orgFile = file(flags);
      const checked = await checkOrgFile(orgFile);
      const problems: PolicyProblem[] = [...checked.problems];
      for (const ref of checked.org?.policies ?? []) {
        problems.push(...(await checkPolicyFile(policyPath(orgFile, ref.file))).problems);
      }
      if (flags.output === 'json')
        ctx.io.stdout(`${JSON.stringify({ ok: problems.length === 0, problems })}\n`);
      else if (problems.length === 0) ctx.io.stdout(`${flags.org}: ok\n`);
      else for (const p of problems) ctx.io.stdout(`${formatProblem(p)}\n`);
      ctx.setExitCode(problems.length === 0 ? ExitCode.Ok : ExitCode.InvalidInput);
    });

  org
    .command('plan')
    .description(
      'what a run would do in each account: the plan under each member role (writes nothing)',
    )
    .requiredOption('--org <file>', 'organisation file (YAML)')
    .option('--run-id <id>', 'run id the task ids and role session names derive from')
    .addOption(outputOption())
    .action(async (flags: OrgFlags) => {
      const orgFile = file(flags);
      const loaded = await loadOrgFile(orgFile);
      const runId = flags.runId ?? newRunId();
      const c = connection(ctx);
      const targets = orgTargets(loaded, await accountsOf(loaded, ctx));
      const policies = new Map<string, Policy>();
      for (const ref of loaded.policies)
        policies.set(ref.file, await loadPolicyFile(policyPath(orgFile, ref.file)));
      const sts = createStsApi(c.credentials, c.endpoint);
      const limit = pLimit(loaded.concurrency);
      const planned = await Promise.all(
        targets.map((t) =>
          limit(async () => {
            const outcome = await planInAccount({
              roleArn: t.roleArn,
              runId,
              durationSeconds: loaded.sessionDurationSeconds,
              sts,
              policy: policies.get(t.policyFile)!,
              endpoint: c.endpoint,
            });
            // An unusable account is trouble the plan foresees, as an unusable destination is.
            const exitCode = outcome.ok ? planExitCode(outcome.plan) : ExitCode.ItemsFailed;
            return {
              ...t,
              taskId: workerTaskId(runId, t.accountId, t.policyFile),
              exitCode,
              ...outcome,
            };
          }),
        ),
      );
      if (flags.output === 'json') {
        ctx.io.stdout(`${toSafeJson({ org: loaded.name, runId, targets: planned })}\n`);
      } else {
        for (const t of planned) {
          ctx.io.stdout(
            `== ${t.accountId}  ${neutralise(t.policyFile)}  ${t.roleArn}  task ${t.taskId}\n`,
          );
          ctx.io.stdout(
            t.ok
              ? renderPlan(t.plan)
              : `unusable: ${neutralise(t.errorCode)}: ${neutralise(t.message)}\n`,
          );
          ctx.io.stdout('\n');
        }
        const troubled = planned.filter((t) => t.exitCode !== ExitCode.Ok);
        ctx.io.stdout(
          `${planned.length} runs in ${new Set(planned.map((t) => t.accountId)).size} accounts: ` +
            `${planned.length - troubled.length} ok, ${troubled.length} would fail or cannot run` +
            `${troubled.length ? ` (${troubled.map((t) => t.accountId).join(', ')})` : ''}\n`,
        );
      }
      ctx.setExitCode(Math.max(ExitCode.Ok, ...planned.map((t) => t.exitCode)));
    });

  org
    .command('run')
    .description('run every (account, policy) from here, at most --concurrency at once')
    .requiredOption('--org <file>', 'organisation file (YAML)')
    .option('--concurrency <n>', 'runs at once (default: the file’s concurrency)')
    .option('--run-id <id>', 'correlation id on every record and in the role session name')
    .addOption(outputOption())
    .action(async (flags: OrgFlags) => {
      const orgFile = file(flags);
      const loaded = await loadOrgFile(orgFile);
      const concurrency =
        flags.concurrency === undefined ? loaded.concurrency : Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100) {
        throw new ReplicatorError(
          Code.InvalidConcurrency,
          '--concurrency must be an integer from 1 to 100',
        );
      }
      const c = connection(ctx);
      const runId = flags.runId ?? newRunId();
      const targets = orgTargets(loaded, await accountsOf(loaded, ctx));
      const sink = await createSink(loaded.log, { ...c, baseDir: path.dirname(orgFile) });
      const limit = pLimit(concurrency);
      const results: AccountRunResult[] = [];
      try {
        await Promise.all(
          targets.map((t) =>
            limit(async () => {
              try {
                const r = await runTarget({
                  org: loaded,
                  orgFile,
                  payload: { runId, ...t },
                  ...c,
                  sink,
                });
                results.push(r);
                ctx.io.stderr(
                  `${r.accountId} ${r.policy}: exit ${r.exitCode}${r.errorCode ? ` ${r.errorCode}` : ''}\n`,
                );
              } catch (error) {
                const message = redactSecrets(
                  error instanceof Error ? error.message : String(error),
                );
                results.push({
                  accountId: t.accountId,
                  policy: t.policyFile,
                  runId,
                  exitCode: ExitCode.Aborted,
                  errorCode: (error as { code?: string }).code ?? Code.Unexpected,
                  message,
                });
              }
            }),
          ),
        );
      } finally {
        await sink.close();
      }
      results.sort(
        (a, b) => a.accountId.localeCompare(b.accountId) || a.policy.localeCompare(b.policy),
      );
      const rows = results.map(({ summary, ...r }) => ({
        ...r,
        ...(summary ? { totals: summary.totals } : {}),
      }));
      if (flags.output === 'json')
        ctx.io.stdout(`${JSON.stringify({ org: loaded.name, runId, results: rows })}\n`);
      else {
        for (const r of rows) {
          const started = r.totals?.started ?? 0;
          ctx.io.stdout(
            `${r.accountId}  ${r.policy}  exit ${r.exitCode}  started ${started}${r.errorCode ? `  ${r.errorCode}` : ''}\n`,
          );
        }
        const failing = rows.filter((r) => r.exitCode !== 0).length;
        ctx.io.stdout(
          `${rows.length} runs, ${rows.length - failing} ok, ${failing} not ok (run ${runId})\n`,
        );
      }
      ctx.setExitCode(Math.max(ExitCode.Ok, ...results.map((r) => r.exitCode)));
    });

  org
    .command('demo')
    .description(
      'an organisation in the local emulator: dispatch through FC, one account without the role',
    )
    .option('--accounts <n>', 'member accounts', '6')
    .addOption(outputOption())
    .action(async (flags: OrgFlags & { accounts: string }) => {
      const accounts = Number(flags.accounts);
      if (!Number.isInteger(accounts) || accounts < 2 || accounts > 100) {
        throw new ReplicatorError(
          Code.InvalidAccounts,
          '--accounts must be an integer from 2 to 100',
        );
      }
      // Loaded on demand: only the demo needs the emulator.
      const { orgWorld } = await import('../org-world.ts');
      ctx.io.stderr(
        `starting ${accounts} member accounts; the last one has no dr-replicator-member role\n`,
      );
      const world = await orgWorld({
        accounts,
        snapshotsPerAccount: 10,
        workerConcurrency: 3,
        withoutRole: [accounts - 1],
      });
      try {
        const dispatched = await world.tick(new Date().toISOString());
        ctx.io.stderr(`dispatcher: ${JSON.stringify(dispatched)}\n`);
        const records = await fileRecordSource(world.logFile).read({
          from: new Date(0),
          to: new Date(Date.now() + 86_400_000),
        });
        const status = orgStatus('acme', world.accounts, records);
        ctx.io.stdout(
          flags.output === 'json' ? `${JSON.stringify(status)}\n` : renderOrgStatusText(status),
        );
        ctx.io.stderr(
          `sessions assumed: ${world.org.sessions().length}, refused: ${
            world.org
              .refusedAssumeRoles()
              .map((r) => `${r.roleArn} ${r.code}`)
              .join(', ') || 'none'
          }\n`,
        );
      } finally {
        await world.close();
      }
    });

  org
    .command('status')
    .description('the newest run of every account: accounts × destinations')
    .requiredOption('--org <file>', 'organisation file (YAML)')
    .option('--days <n>', 'how far back to read records', '7')
    .option('--out <file>', 'with --output html: write the page here')
    .addOption(outputOption(['text', 'json', 'html']))
    .action(async (flags: OrgFlags) => {
      const orgFile = file(flags);
      const loaded = await loadOrgFile(orgFile);
      const to = new Date();
      const from = new Date(to.getTime() - Number(flags.days ?? 7) * 86_400_000);
      const log = loaded.log;
      let records: Awaited<ReturnType<ReturnType<typeof fileRecordSource>['read']>>;
      if (log.type === 'file')
        records = await fileRecordSource(path.resolve(path.dirname(orgFile), log.path)).read({
          from,
          to,
        });
      else if (log.type === 'sls') {
        const c = connection(ctx);
        records = [];
        for (const ref of loaded.policies) {
          const { policy } = await checkPolicyFile(policyPath(orgFile, ref.file));
          if (policy)
            records.push(...(await slsRecordSource(log, policy.name, c).read({ from, to })));
        }
      } else {
        throw new ReplicatorError(
          Code.StatusUnavailable,
          'org status reads a file or SLS log target; stdout records cannot be read back',
        );
      }
      const status = orgStatus(loaded.name, loaded.accounts ?? [], records);
      if (flags.output === 'json') ctx.io.stdout(`${JSON.stringify(status)}\n`);
      else if (flags.output === 'html') {
        const html = renderOrgStatusHtml(status);
        if (flags.out) {
          await writeFile(flags.out, html);
          ctx.io.stderr(`wrote ${flags.out}\n`);
        } else ctx.io.stdout(html);
      } else ctx.io.stdout(renderOrgStatusText(status));
      ctx.setExitCode(status.totals.failing > 0 ? ExitCode.ItemsFailed : ExitCode.Ok);
    });
}
