import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { orgJsonSchemaText } from '../../lib/org/json-schema.ts';
import { checkOrgFile } from '../../lib/org/load.ts';
import { resolveVariables } from '../../scripts/deploy/service-file.ts';
import { actionsOf, readRamPolicy } from '../deploy/support/ram.ts';

const root = path.resolve(import.meta.dirname, '../..');
const MANAGEMENT = '1000000000000001';

interface Resource {
  component: string;
  props: Record<string, unknown> & {
    name?: string;
    functionName?: string;
    role?: string;
    timeout?: number;
    asyncInvokeConfig?: Record<string, unknown>;
    environmentVariables?: Record<string, string>;
    statement?: unknown[];
    policies?: { name: string; statement: unknown[] }[];
  };
}

/** s.yaml's resources as `s deploy` resolves them in the management account. */
async function service(): Promise<Record<string, Resource>> {
  const doc = parse(await readFile(path.join(root, 's.yaml'), 'utf8')) as {
    vars: Record<string, unknown>;
    resources: Record<string, Resource>;
  };
  return resolveVariables(
    doc.resources,
    { ...doc.vars, managementAccountId: MANAGEMENT },
    { config: { AccountID: MANAGEMENT } },
  ) as Record<string, Resource>;
}

/** A shipped RAM document (the org tests run under these in the emulator). */
async function shipped(file: string): Promise<{ Statement: unknown[] }> {
  const text = await readFile(path.join(root, 'policies/org', file), 'utf8');
  return JSON.parse(text.replaceAll('<management-account-id>', MANAGEMENT));
}

describe('s.yaml: the organisation functions and their RAM documents', () => {
  it('gives the worker asyncTask (task ids), bounded retries and a session covering its timeout', async () => {
    const { worker } = await service();
    expect(worker?.props.asyncInvokeConfig).toMatchObject({
      asyncTask: true,
      maxAsyncRetryAttempts: 2,
    });
    const orgFile = worker?.props.environmentVariables?.ORG_FILE ?? '';
    const { org } = await checkOrgFile(path.join(root, orgFile));
    expect(org?.sessionDurationSeconds).toBeGreaterThanOrEqual(worker?.props.timeout ?? Infinity);
    expect(org?.worker.functionName).toBe(worker?.props.functionName);
  });

  it('runs dispatcher and worker under the org role, not the single-account function role', async () => {
    const r = await service();
    const roleName = r['org-function-role']?.props.name;
    expect(roleName).toBe('dr-replicator-org-fc');
    for (const fn of ['dispatcher', 'worker']) {
      expect(r[fn]?.props.role, fn).toBe(`acs:ram::${MANAGEMENT}:role/${roleName}`);
    }
    expect(r.replicator?.props.role).not.toContain(String(roleName));
  });

  it('grants the org role exactly the shipped management policy, naming the worker it invokes', async () => {
    const r = await service();
    const policies = r['org-function-role']?.props.policies ?? [];
    expect(policies).toHaveLength(1);
    const management = await shipped('management-role-policy.json');
    expect(policies[0]?.statement).toEqual(management.Statement);
    expect(JSON.stringify(management)).toContain(
      `functions/${String(r.worker?.props.functionName)}`,
    );
  });

  it('gives the member role the shipped trust policy (the org role only) and permissions', async () => {
    const r = await service();
    const member = r['member-role']?.props;
    const { org } = await checkOrgFile(path.join(root, 'org/organisation.yaml'));
    expect(member?.name).toBe(org?.role);
    expect(member?.statement).toEqual((await shipped('member-role-trust.json')).Statement);
    expect(JSON.stringify(member?.statement)).toContain(
      `acs:ram::${MANAGEMENT}:role/${String(r['org-function-role']?.props.name)}`,
    );
    expect(member?.policies?.map((p) => p.statement)).toEqual([
      (await shipped('member-role-policy.json')).Statement,
    ]);
  });

  it('lets the member role call every ECS and KMS action the single-account function role may', async () => {
    const single = readRamPolicy(path.join(root, 'policies/ram-policy.json'));
    const member = new Set(
      actionsOf(readRamPolicy(path.join(root, 'policies/org/member-role-policy.json'))),
    );
    const engine = actionsOf(single).filter((a) => a.startsWith('ecs:') || a.startsWith('kms:'));
    expect(engine.length).toBeGreaterThan(0);
    expect(engine.filter((a) => !member.has(a))).toEqual([]);
  });

  it('policies/org.schema.json is generated from the zod schema (npm run schema)', async () => {
    expect(await readFile(path.join(root, 'policies/org.schema.json'), 'utf8')).toBe(
      orgJsonSchemaText(),
    );
  });
});
