import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RamPolicy, type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { createHandler, type HandlerResult } from '../../functions/replicate/index.ts';
import { timerEvent } from '../../scripts/deploy/invoke-bundle.ts';
import { readServiceFile, type TimerTrigger } from '../../scripts/deploy/service-file.ts';
import { DEPLOYED, deployedWorld } from './support/deployed-world.ts';
import { REPO_ROOT } from './support/paths.ts';
import type { RamStatement } from './support/ram.ts';

const RAM_POLICY = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'policies', 'ram-policy.json'), 'utf8'),
) as { Version: string; Statement: RamStatement[] };

/** The shipped policy, or the same minus some statements, conditions and all. */
function enforceable(statements: RamStatement[]): RamPolicy {
  return { Version: RAM_POLICY.Version, Statement: statements };
}

const actionOf = (statement: RamStatement) => [statement.Action].flat()[0] ?? '';

/**
 * The deployed policy, run through the FC handler against an emulated account that enforces
 * policies/ram-policy.json as the function role's only permissions.
 */
describe('policies/ram-policy.json, enforced', () => {
  let emulator: RunningEmulator;
  let timer: TimerTrigger;
  const now = new Date();

  beforeAll(async () => {
    const service = await readServiceFile(REPO_ROOT);
    const found = service.functions
      .flatMap((fn) => fn.timers)
      .find((t) => t.policy === DEPLOYED.policyFile);
    if (!found) throw new Error(`s.yaml has no trigger for ${DEPLOYED.policyFile}`);
    timer = found;
    emulator = await startEmulator({ world: deployedWorld(now), startTime: now });
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  /** A fresh account under `ram`, one timer invocation, and the alert records it wrote. */
  async function runUnder(ram: RamPolicy) {
    emulator.admin.reset();
    emulator.admin.setRamPolicy(ram);
    const logLines: string[] = [];
    // Disks fill at once, so the run's restore drill needs no real-time wait.
    emulator.admin.setCopyModel({ restoreGiBps: 1e6, restoreMinSeconds: 0 });
    const handler = createHandler({
      env: {
        DR_REPLICATOR_ENDPOINT: emulator.url,
        FC_FUNC_CODE_PATH: REPO_ROOT,
        // A fresh instance each time: records one run keeps must not reach the next test.
        DR_REPLICATOR_SPOOL_DIR: path.join(tmpdir(), `dr-ram-${randomUUID()}`),
        DR_REPLICATOR_CLAIM_SETTLE_MS: '100',
      },
      writeLog: (line) => logLines.push(line),
    });
    const result = (await handler(Buffer.from(JSON.stringify(timerEvent(timer, now))), {
      requestId: `ram-${ram.Statement.length}`,
      credentials: emulator.admin.issueStsCredentials(),
      function: { timeout: 900 },
    })) as HandlerResult;
    const alerts = emulator.sls
      .query(DEPLOYED.log.project, DEPLOYED.log.logstore, {
        from: 0,
        to: Math.floor(Date.now() / 1000) + 60,
        query: 'kind: alert',
      })
      .map((log) => log.contents);
    return { result, alerts, calls: emulator.admin.calls(), log: logLines.join('') };
  }

  it('lets a run of the deployed policy call everything it needs', async () => {
    const { result, calls } = await runUnder(enforceable(RAM_POLICY.Statement));
    expect(result.exitCode).toBe(0);
    expect(calls.filter((call) => call.code === 'Forbidden.RAM')).toEqual([]);
  });

  it('is exercised whole by that run: every granted ECS and KMS action is called', async () => {
    const { calls } = await runUnder(enforceable(RAM_POLICY.Statement));
    const called = new Set(calls.filter((c) => c.code === 'OK').map((c) => c.action));
    // ListTagResources is only called past the 1,000-result tag cap, when the tag index is the
    // cheapest complete route: test/engine/listing-routes.test.ts drives that route.
    const granted = RAM_POLICY.Statement.map(actionOf).filter(
      (a) => !a.startsWith('log:') && a !== 'ecs:ListTagResources',
    );
    expect(granted.filter((action) => !called.has(action.split(':')[1] ?? ''))).toEqual([]);
  });

  // Withdrawing one statement must stop the run where that permission is needed, and say so
  // in an alert record naming the action, not pass silently.
  const withdrawn = (action: string) => async () => {
    const { result, alerts } = await runUnder(
      enforceable(RAM_POLICY.Statement.filter((s) => actionOf(s) !== action)),
    );
    expect(result.exitCode).not.toBe(0);
    const forbidden = alerts.filter((a) => a.errorCode === 'Forbidden.RAM');
    expect(forbidden.length).toBeGreaterThan(0);
    expect(forbidden.some((a) => a.message?.includes(action))).toBe(true);
  };

  it.each([
    'ecs:DescribeSnapshots',
    'ecs:CopySnapshot',
    'kms:DescribeKey',
    'ecs:DeleteSnapshot',
    'ecs:TagResources',
    'ecs:DescribeLockedSnapshots',
    'ecs:LockSnapshot',
    'ecs:DescribeDisks',
    'ecs:DescribeZones',
    'ecs:DeleteDisk',
  ])(
    'fails the run with a Forbidden.RAM alert naming %s when its statement is withdrawn',
    async (action) => withdrawn(action)(),
  );

  // The records themselves are what log:PostLogStoreLogs guards, so no alert record can tell
  // of their loss: the records are kept for the next run (exit 1, the count in the result) and
  // the function log says which permission was missing.
  it('keeps the records, exits 1 and names log:PostLogStoreLogs in the function log when its statement is withdrawn', async () => {
    const action = 'log:PostLogStoreLogs';
    const { result, log } = await runUnder(
      enforceable(RAM_POLICY.Statement.filter((s) => actionOf(s) !== action)),
    );
    expect(result.exitCode).toBe(1);
    expect('recordsPending' in result && result.recordsPending).toBeGreaterThan(0);
    expect(log).toContain(`action: ${action}`);
  });
});
