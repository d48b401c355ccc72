import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PolicyInput, PolicySchema } from '../../lib/policy/schema.ts';
import { HANDLER_SOURCE } from '../../scripts/build.ts';
import {
  POLICY_TAG,
  ramPolicyForService,
  renderRamPolicy,
} from '../../scripts/deploy/ram-policy.ts';
import { REPO_ROOT } from './support/paths.ts';
import {
  actionsCalledIn,
  actionsOf,
  cloudFilesInHandler,
  type RamPolicy,
  readRamPolicy,
  resourcesOf,
} from './support/ram.ts';

const RAM_POLICY_FILE = path.join(REPO_ROOT, 'policies', 'ram-policy.json');

/** policies/ram-policy.json: what the function's role may do, and nothing more. */
describe('policies/ram-policy.json', () => {
  const policy: RamPolicy = readRamPolicy(RAM_POLICY_FILE);

  it('allows exactly the actions the handler calls through lib/cloud, no more and no fewer', async () => {
    const files = await cloudFilesInHandler(REPO_ROOT, HANDLER_SOURCE);
    const called = actionsCalledIn(files).map((c) => c.action);
    expect(called.length).toBeGreaterThan(0);
    expect(actionsOf(policy)).toEqual([...new Set(called)].sort());
  });

  it('is what `npm run ram-policy` renders from the policies s.yaml deploys', async () => {
    const rendered = await ramPolicyForService(REPO_ROOT);
    expect(JSON.parse(readFileSync(RAM_POLICY_FILE, 'utf8'))).toEqual(rendered);
  });

  it("only reads s.yaml's logConfig logstore (pending records): FC 3.0 writes it with its service-linked role", async () => {
    const service = readFileSync(path.join(REPO_ROOT, 's.yaml'), 'utf8');
    const fcLogstore = /^\s*fcLogstore:\s*(\S+)/m.exec(service)?.[1];
    expect(fcLogstore).toBeDefined();
    const resources = policy.Statement.flatMap(resourcesOf);
    expect(resources.some((arn) => arn.includes('/logstore/'))).toBe(true);
    const onFcLog = policy.Statement.filter((s) =>
      resourcesOf(s).some((arn) => arn.endsWith(`/logstore/${fcLogstore}`)),
    );
    expect(onFcLog.map((s) => s.Action)).toEqual(['log:GetLogStoreLogs']);
  });

  it('allows only, never through a wildcard action or a bare * resource', () => {
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe('Allow');
      for (const action of [statement.Action].flat()) expect(action).not.toContain('*');
      for (const resource of resourcesOf(statement)) expect(resource).not.toBe('*');
    }
  });

  it('gives each action its own statement, so one can be withdrawn alone', () => {
    expect(policy.Statement.map((s) => [s.Action].flat().length).every((n) => n === 1)).toBe(true);
  });

  it("scopes each statement to its service's resource type", () => {
    const expected: Record<string, RegExp> = {
      // Snapshots; disks for restore drills; DescribeZones has no resource type but its region.
      ecs: /^acs:ecs:[a-z0-9-]+:[^:]+:(snapshot\/\*|disk\/\*|\*)$/,
      kms: /^acs:kms:[a-z0-9-]+:[^:]+:key\/[^/]+$/,
      log: /^acs:log:[a-z0-9-]+:[^:]+:project\/[^/*]+\/logstore\/[^/*]+$/,
    };
    for (const statement of policy.Statement) {
      const service = String([statement.Action].flat()[0]).split(':')[0] ?? '';
      for (const resource of resourcesOf(statement))
        expect(resource).toMatch(expected[service] ?? /^$/);
    }
  });

  it('lets the role call ecs:DeleteDisk only on disks carrying the dr-replicator:drill tag, and ecs:DescribeZones only in drilling regions', () => {
    const deletes = policy.Statement.filter((s) => [s.Action].flat().includes('ecs:DeleteDisk'));
    expect(deletes.length).toBeGreaterThan(0);
    for (const s of deletes) {
      expect(s.Condition).toEqual({ StringLike: { 'acs:ResourceTag/dr-replicator:drill': '*' } });
    }
    const zones = policy.Statement.filter((s) => [s.Action].flat().includes('ecs:DescribeZones'));
    for (const s of zones)
      for (const r of resourcesOf(s)) expect(r).toMatch(/^acs:ecs:[a-z0-9-]+:[^:]+:\*$/);
  });

  it.each(['ecs:DeleteSnapshot', 'ecs:TagResources'])(
    'lets the role call %s only on snapshots carrying the dr-replicator:policy tag',
    (action) => {
      const statements = policy.Statement.filter((s) => [s.Action].flat().includes(action));
      expect(statements).toHaveLength(1);
      expect(statements[0]?.Condition?.StringLike?.[`acs:ResourceTag/${POLICY_TAG}`]).toBe('*');
    },
  );
});

describe('renderRamPolicy', () => {
  const policyInput = (overrides: Partial<PolicyInput> = {}): PolicyInput => ({
    name: 'p',
    schedule: '@every 60m',
    source: { regions: ['cn-hangzhou'] },
    destinations: [{ region: 'cn-beijing', encrypted: true, kmsKeyId: 'key-1' }],
    log: { type: 'sls', project: 'proj', logstore: 'store', region: 'cn-hangzhou' },
    ...overrides,
  });
  const render = (overrides?: Partial<PolicyInput>) =>
    renderRamPolicy({ policies: [PolicySchema.parse(policyInput(overrides))] });
  const resourcesFor = (action: string, overrides?: Partial<PolicyInput>) =>
    render(overrides).Statement.find((s) => s.Action === action)?.Resource;

  it('allows CopySnapshot only in source regions, where the call is made', () => {
    expect(resourcesFor('ecs:CopySnapshot')).toEqual(['acs:ecs:cn-hangzhou:*:snapshot/*']);
  });

  it('allows DeleteSnapshot and TagResources only in destination regions', () => {
    expect(resourcesFor('ecs:DeleteSnapshot')).toEqual(['acs:ecs:cn-beijing:*:snapshot/*']);
    expect(resourcesFor('ecs:TagResources')).toEqual(['acs:ecs:cn-beijing:*:snapshot/*']);
  });

  it('allows DescribeSnapshots in source and destination regions', () => {
    expect(resourcesFor('ecs:DescribeSnapshots')).toEqual([
      'acs:ecs:cn-beijing:*:snapshot/*',
      'acs:ecs:cn-hangzhou:*:snapshot/*',
    ]);
  });

  it('allows DescribeKey on the configured key in its region only', () => {
    expect(resourcesFor('kms:DescribeKey')).toEqual(['acs:kms:cn-beijing:*:key/key-1']);
  });

  it('takes a key given as an ARN as the resource itself', () => {
    const arn = 'acs:kms:cn-beijing:42:key/key-1';
    const destinations = [{ region: 'cn-beijing', encrypted: true, kmsKeyId: arn }];
    expect(resourcesFor('kms:DescribeKey', { destinations })).toEqual([arn]);
  });

  it('grants no KMS access when no destination is encrypted', () => {
    const destinations = [{ region: 'cn-beijing', encrypted: false }];
    expect(resourcesFor('kms:DescribeKey', { destinations })).toBeUndefined();
  });

  it("allows log writes only to the policy's logstore", () => {
    expect(resourcesFor('log:PostLogStoreLogs')).toEqual([
      'acs:log:cn-hangzhou:*:project/proj/logstore/store',
    ]);
  });

  it('pins the account when it is given', () => {
    const document = renderRamPolicy({
      policies: [PolicySchema.parse(policyInput())],
      accountId: '42',
    });
    expect(
      document.Statement.flatMap((s) => s.Resource).every((arn) => arn.split(':')[3] === '42'),
    ).toBe(true);
  });
});
