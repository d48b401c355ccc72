import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../lib/cli/io.ts';
import { main } from '../../lib/cli/main.ts';
import {
  copiesPerPair,
  memberId,
  type OrgWorld,
  orgWorld,
  readRecords,
} from '../../lib/cli/org-world.ts';

let world: OrgWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = process.cwd()) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env,
    cwd,
    isTTY: false,
  };
  const code = await main(['node', 'dr-replicator', ...args], io);
  return { code, stdout, stderr };
}

function roleEnv(w: OrgWorld): NodeJS.ProcessEnv {
  // The shipped member trust policy trusts the management account's FC role, so a local run
  // uses a session of that role (as an operator would after `aliyun sts AssumeRole`).
  const c = w.org.functionRoleCredentials();
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: c.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: c.accessKeySecret,
    ALIBABA_CLOUD_SECURITY_TOKEN: c.securityToken,
    DR_REPLICATOR_ENDPOINT: w.org.url,
  };
}

describe('dr-replicator org', () => {
  it('validate names file, line, column and field of each problem', async () => {
    world = await orgWorld({ accounts: 1, snapshotsPerAccount: 1, workerConcurrency: 1 });
    const bad = path.join(world.dir, 'bad.yaml');
    await writeFile(
      bad,
      'name: acme\naccounts: ["123"]\nconcurrency: 0\npolicies:\n  - file: policy.yaml\n',
    );
    const result = await cli(['org', 'validate', '--org', bad]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      `${bad}:2:12: accounts.0: must be a 16-digit Alibaba Cloud account id`,
    );
    expect(result.stdout).toMatch(new RegExp(`${bad}:3:14: concurrency: `));
    expect((await cli(['org', 'validate', '--org', world.orgFile])).code).toBe(0);
  });

  it('validate refuses a file naming both a static list and a directory', async () => {
    world = await orgWorld({ accounts: 1, snapshotsPerAccount: 1, workerConcurrency: 1 });
    const both = path.join(world.dir, 'both.yaml');
    await writeFile(
      both,
      `name: acme\naccounts: ["${memberId(1)}"]\ndirectory: {}\npolicies:\n  - file: policy.yaml\n`,
    );
    const result = await cli(['org', 'validate', '--org', both]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('either `accounts` (a static list) or `directory`, not both');
  });

  it('plan runs the engine plan in every account under its member role and writes nothing', async () => {
    world = await orgWorld({
      accounts: 3,
      snapshotsPerAccount: 2,
      workerConcurrency: 1,
      directory: true,
    });
    const args = ['org', 'plan', '--org', world.orgFile, '--run-id', 'r1', '--output', 'json'];
    const first = await cli(args, roleEnv(world));
    const second = await cli(args, roleEnv(world));
    expect(first.code).toBe(0);
    const plan = JSON.parse(first.stdout) as {
      runId: string;
      targets: {
        accountId: string;
        roleArn: string;
        taskId: string;
        ok: boolean;
        exitCode: number;
        plan: { policy: string; items: { action: string; destRegion: string }[] };
      }[];
    };
    expect(plan.targets.map((t) => t.accountId)).toEqual(world.accounts);
    expect(plan.targets[0]?.roleArn).toBe(`acs:ram::${memberId(1)}:role/dr-replicator-member`);
    for (const t of plan.targets) {
      expect(t).toMatchObject({ ok: true, exitCode: 0, plan: { policy: 'org-dr' } });
      // 2 tagged snapshots × 2 destinations, each a copy the run would start.
      expect(t.plan.items.filter((i) => i.action === 'copy')).toHaveLength(4);
    }
    // Same run id, same world: same task ids and the same plans.
    expect(second.stdout).toBe(first.stdout);
    // Each plan was made under the member role (session named for the run), and wrote nothing.
    expect(
      world.org.sessions().filter((s) => s.roleArn.includes('dr-replicator-member')),
    ).toHaveLength(6);
    expect(copiesPerPair(world).size).toBe(0);
    expect(await readRecords(world.logFile)).toEqual([]);
  });

  it('plan shows an account without the role as unusable, plans the others, and exits 1', async () => {
    world = await orgWorld({
      accounts: 3,
      snapshotsPerAccount: 1,
      workerConcurrency: 1,
      withoutRole: [1],
    });
    const json = await cli(
      ['org', 'plan', '--org', world.orgFile, '--output', 'json'],
      roleEnv(world),
    );
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as {
      targets: { accountId: string; ok: boolean; exitCode: number; errorCode?: string }[];
    };
    expect(out.targets.map((t) => [t.accountId, t.ok, t.exitCode, t.errorCode])).toEqual([
      [memberId(1), true, 0, undefined],
      [memberId(2), false, 1, 'EntityNotExist.Role'],
      [memberId(3), true, 0, undefined],
    ]);

    const text = await cli(['org', 'plan', '--org', world.orgFile], roleEnv(world));
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`== ${memberId(1)}  policy.yaml  acs:ram::${memberId(1)}`);
    expect(text.stdout).toContain('Plan for policy org-dr (a preview: nothing was written)');
    expect(text.stdout).toMatch(
      new RegExp(
        `== ${memberId(2)} .*\\nunusable: EntityNotExist\\.Role: cannot assume acs:ram::${memberId(2)}:role/dr-replicator-member`,
      ),
    );
    expect(text.stdout).toContain(
      `3 runs in 3 accounts: 2 ok, 1 would fail or cannot run (${memberId(2)})`,
    );
    expect(text.stdout.match(/Plan for policy org-dr/g)).toHaveLength(2);
  });

  it('plan exits 1 when the source of one account cannot be listed, as plan does for one account', async () => {
    world = await orgWorld({ accounts: 2, snapshotsPerAccount: 1, workerConcurrency: 1 });
    // The second member's snapshot listing is down: its plan holds nothing of the source.
    world.org
      .account(memberId(2))
      .admin.setFaults({ serviceUnavailableRate: 1, actions: ['DescribeSnapshots'] });
    const result = await cli(
      ['org', 'plan', '--org', world.orgFile, '--output', 'json'],
      roleEnv(world),
    );
    const out = JSON.parse(result.stdout) as { targets: { accountId: string; exitCode: number }[] };
    expect(out.targets.map((t) => t.exitCode)).toEqual([0, 1]);
    expect(result.code).toBe(1);
  });

  it('run fans out locally under the cap; one account without the role is its own exit 3', async () => {
    world = await orgWorld({
      accounts: 4,
      snapshotsPerAccount: 3,
      workerConcurrency: 1,
      withoutRole: [1],
    });
    const result = await cli(
      ['org', 'run', '--org', world.orgFile, '--concurrency', '2', '--output', 'json'],
      roleEnv(world),
    );
    expect(result.code).toBe(3);
    const out = JSON.parse(result.stdout) as {
      results: { accountId: string; exitCode: number; errorCode?: string }[];
    };
    expect(out.results.filter((r) => r.exitCode !== 0)).toEqual([
      expect.objectContaining({
        accountId: memberId(2),
        exitCode: 3,
        errorCode: 'EntityNotExist.Role',
      }),
    ]);
    expect([...copiesPerPair(world).values()]).toEqual(Array(3 * 3 * 2).fill(1));

    const text = await cli(['org', 'status', '--org', world.orgFile]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      new RegExp(`${memberId(2)}\\s+aborted.*run-aborted EntityNotExist.Role`),
    );
    expect(text.stdout).toContain('4 accounts, 3 ok, 1 failing, 0 never ran');
    const html = await cli(['org', 'status', '--org', world.orgFile, '--output', 'html']);
    expect(html.stdout).toContain('<th>cn-beijing</th><th>cn-shanghai</th>');
    expect(html.stdout).toContain(`<tr class="bad"><th scope="row">${memberId(2)}</th>`);
  });

  it('run rejects a concurrency past 100', async () => {
    world = await orgWorld({ accounts: 1, snapshotsPerAccount: 1, workerConcurrency: 1 });
    const result = await cli(
      ['org', 'run', '--org', world.orgFile, '--concurrency', '101'],
      roleEnv(world),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--concurrency must be an integer from 1 to 100');
  });

  it('demo dispatches through FC in the emulator and shows the account without the role', async () => {
    const result = await cli(['org', 'demo', '--accounts', '3', '--output', 'json']);
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout) as {
      totals: Record<string, number>;
      accounts: { accountId: string; alerts: { errorCode?: string }[] }[];
    };
    expect(status.totals).toEqual({ accounts: 3, ok: 2, failing: 1, neverRan: 0 });
    expect(status.accounts[2]?.alerts[0]?.errorCode).toBe('EntityNotExist.Role');
  });
});
