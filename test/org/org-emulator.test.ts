import { afterEach, describe, expect, it } from 'vitest';
import { type RunningOrgEmulator, startOrgEmulator } from '../../emulator/org/org-emulator.ts';
import {
  MANAGEMENT_ACCOUNT,
  memberId,
  ORG_FUNCTION_ROLE,
  shippedRoles,
} from '../../lib/cli/org-world.ts';
import { CloudApiError } from '../../lib/cloud/errors.ts';
import { createDirectoryApi } from '../../lib/org/directory.ts';
import { createFc3Invoker } from '../../lib/org/invoke-fc3.ts';
import { popCall } from '../../lib/org/pop-rpc.ts';
import { createStsApi, STS_API_VERSION } from '../../lib/org/sts.ts';

/** STS, Resource Directory and FC 3.0 async invoke of the organisation emulator, driven by the product's SDK clients. */
let org: RunningOrgEmulator | undefined;
afterEach(async () => {
  await org?.stop();
  org = undefined;
});

const ROLE = (i: number) => `acs:ram::${memberId(i)}:role/dr-replicator-member`;

async function start(members: number, managementRolePolicy?: unknown): Promise<RunningOrgEmulator> {
  const roles = await shippedRoles();
  return startOrgEmulator({
    managementAccountId: MANAGEMENT_ACCOUNT,
    members: Array.from({ length: members }, (_, i) => ({
      accountId: memberId(i + 1),
      displayName: `m${i + 1}`,
      folderId: i < 3 ? 'fd-small' : 'fd-big',
      world: 'empty' as const,
      roles: [roles.member],
    })),
    managementRolePolicy: managementRolePolicy ?? roles.management,
    functionRole: ORG_FUNCTION_ROLE,
  });
}

async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: string; httpStatus?: number | undefined }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudApiError);
  return { code: (error as CloudApiError).code, httpStatus: (error as CloudApiError).httpStatus };
}

describe('organisation emulator: STS AssumeRole', () => {
  it('issues expiring credentials to the trusted function role, usable in the member account', async () => {
    org = await start(1);
    const sts = createStsApi(org.functionRoleCredentials(), org.url);
    const before = Date.now();
    const session = await sts.assumeRole({
      roleArn: ROLE(1),
      sessionName: 'dr-run-1',
      durationSeconds: 900,
    });
    const expiresIn = Date.parse(session.expiration) - before;
    expect(expiresIn).toBeGreaterThan(899_000);
    expect(expiresIn).toBeLessThan(902_000);
    expect(org.sessions()).toEqual([
      expect.objectContaining({
        accountId: memberId(1),
        sessionName: 'dr-run-1',
        caller: { accountId: MANAGEMENT_ACCOUNT, role: ORG_FUNCTION_ROLE },
      }),
    ]);
  });

  it('refuses a caller the trust policy does not name (the management root key)', async () => {
    org = await start(1);
    const sts = createStsApi(org.credentials, org.url);
    expect(
      await refusal(sts.assumeRole({ roleArn: ROLE(1), sessionName: 'x1', durationSeconds: 900 })),
    ).toEqual({ code: 'NoPermission', httpStatus: 403 });
  });

  it('answers EntityNotExist.Role for a role the account does not have', async () => {
    org = await start(1);
    // The root key: the function role's own policy would refuse other-role first (NoPermission).
    const sts = createStsApi(org.credentials, org.url);
    const arn = `acs:ram::${memberId(1)}:role/other-role`;
    expect(
      await refusal(sts.assumeRole({ roleArn: arn, sessionName: 'x1', durationSeconds: 900 })),
    ).toEqual({ code: 'EntityNotExist.Role', httpStatus: 404 });
  });

  it('accepts DurationSeconds 900 and 3600 and refuses 899 and 3601', async () => {
    org = await start(1);
    const sts = createStsApi(org.functionRoleCredentials(), org.url);
    const at = (durationSeconds: number) =>
      sts.assumeRole({ roleArn: ROLE(1), sessionName: 'dur', durationSeconds });
    await expect(at(900)).resolves.toHaveProperty('securityToken');
    await expect(at(3600)).resolves.toHaveProperty('securityToken');
    expect((await refusal(at(899))).code).toBe('InvalidParameter.DurationSeconds');
    expect((await refusal(at(3601))).code).toBe('InvalidParameter.DurationSeconds');
  });

  it('accepts a 64-character session name and refuses 65 characters or 1', async () => {
    org = await start(1);
    const creds = org.functionRoleCredentials();
    const call = (name: string) =>
      popCall(
        { credentials: creds, endpoint: org!.url, apiVersion: STS_API_VERSION },
        'AssumeRole',
        {
          RoleArn: ROLE(1),
          RoleSessionName: name,
          DurationSeconds: 900,
        },
      );
    await expect(call('a'.repeat(64))).resolves.toBeDefined();
    expect((await refusal(call('a'.repeat(65)))).code).toBe('InvalidParameter.RoleSessionName');
    expect((await refusal(call('a'))).code).toBe('InvalidParameter.RoleSessionName');
  });

  it('enforces the management role policy: no sts:AssumeRole, no session', async () => {
    org = await start(1, {
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: 'fc:InvokeFunction', Resource: '*' }],
    });
    const sts = createStsApi(org.functionRoleCredentials(), org.url);
    expect(
      (await refusal(sts.assumeRole({ roleArn: ROLE(1), sessionName: 'x1', durationSeconds: 900 })))
        .code,
    ).toBe('NoPermission');
  });
});

describe('organisation emulator: Resource Directory', () => {
  it('pages ListAccounts at 100 and reads all 101 members', async () => {
    org = await start(101);
    const accounts = await createDirectoryApi(
      org.functionRoleCredentials(),
      org.url,
    ).listAccounts();
    expect(accounts).toHaveLength(101);
    expect(new Set(accounts.map((a) => a.accountId)).size).toBe(101);
  }, 120_000);

  it('lists one folder with ListAccountsForParent and refuses PageSize 101', async () => {
    org = await start(5);
    const creds = org.functionRoleCredentials();
    const folder = await createDirectoryApi(creds, org.url).listAccounts('fd-small');
    expect(folder.map((a) => a.accountId)).toEqual([memberId(1), memberId(2), memberId(3)]);
    const call = (size: number) =>
      popCall(
        { credentials: creds, endpoint: org!.url, apiVersion: '2020-03-31' },
        'ListAccounts',
        { PageSize: size },
      );
    await expect(call(100)).resolves.toBeDefined();
    expect((await refusal(call(101))).code).toBe('InvalidParameter.PageSize');
  });
});

describe('organisation emulator: FC 3.0 async invoke', () => {
  it('runs the function once per task id and refuses a repeated id with 409', async () => {
    org = await start(1);
    const seen: string[] = [];
    org.deployFunction({
      name: 'dr-replicator-worker',
      handler: async (event, context) => {
        seen.push(`${event.toString()}|${context.credentials.securityToken ? 'sts' : ''}`);
      },
      timeoutSeconds: 900,
      concurrency: 2,
      maxAsyncRetryAttempts: 0,
      asyncTask: true,
    });
    const invoker = createFc3Invoker({
      credentials: org.functionRoleCredentials(),
      accountId: MANAGEMENT_ACCOUNT,
      region: 'cn-hangzhou',
      endpoint: org.url,
    });
    const job = { functionName: 'dr-replicator-worker', payload: '{"a":1}', taskId: 'drr_task_1' };
    expect(await invoker.invokeAsync(job)).toMatchObject({ status: 'accepted' });
    expect(await invoker.invokeAsync(job)).toMatchObject({ status: 'duplicate' });
    await org.idle();
    expect(seen).toEqual(['{"a":1}|sts']);
  });

  it('retries a failed execution up to maxAsyncRetryAttempts, then marks the task Failed', async () => {
    org = await start(1);
    let runs = 0;
    org.deployFunction({
      name: 'flaky',
      handler: async () => {
        runs += 1;
        throw new Error('boom');
      },
      timeoutSeconds: 60,
      concurrency: 1,
      maxAsyncRetryAttempts: 2,
      asyncTask: true,
    });
    // The account's own key: the function role may invoke only the worker (next test).
    const invoker = createFc3Invoker({
      credentials: org.credentials,
      accountId: MANAGEMENT_ACCOUNT,
      region: 'cn-hangzhou',
      endpoint: org.url,
    });
    await invoker.invokeAsync({ functionName: 'flaky', payload: '{}', taskId: 't1' });
    await org.idle();
    expect(runs).toBe(3);
    expect(org.tasks()).toEqual([
      expect.objectContaining({ taskId: 't1', status: 'Failed', executions: 3, retries: 2 }),
    ]);
  });

  it('holds the function role to the management policy: only the worker may be invoked', async () => {
    org = await start(1);
    org.deployFunction({
      name: 'other',
      handler: async () => {},
      timeoutSeconds: 60,
      concurrency: 1,
      maxAsyncRetryAttempts: 0,
      asyncTask: true,
    });
    const invoker = createFc3Invoker({
      credentials: org.functionRoleCredentials(),
      accountId: MANAGEMENT_ACCOUNT,
      region: 'cn-hangzhou',
      endpoint: org.url,
    });
    expect(
      await refusal(invoker.invokeAsync({ functionName: 'other', payload: '{}', taskId: 't2' })),
    ).toEqual({ code: 'NoPermission', httpStatus: 403 });
  });

  it('refuses a task id for a function without asyncTask', async () => {
    org = await start(1);
    org.deployFunction({
      name: 'dr-replicator-worker',
      handler: async () => {},
      timeoutSeconds: 60,
      concurrency: 1,
      maxAsyncRetryAttempts: 0,
      asyncTask: false,
    });
    const invoker = createFc3Invoker({
      credentials: org.functionRoleCredentials(),
      accountId: MANAGEMENT_ACCOUNT,
      region: 'cn-hangzhou',
      endpoint: org.url,
    });
    expect(
      (
        await refusal(
          invoker.invokeAsync({
            functionName: 'dr-replicator-worker',
            payload: '{}',
            taskId: 't3',
          }),
        )
      ).httpStatus,
    ).toBe(400);
  });
});
