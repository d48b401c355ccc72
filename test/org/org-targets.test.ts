import { describe, expect, it } from 'vitest';
import { parseOrgText } from '../../lib/org/load.ts';
import { roleArn } from '../../lib/org/schema.ts';
import { sessionName } from '../../lib/org/sts.ts';
import { orgTargets } from '../../lib/org/targets.ts';
import { orgRunId, workerTaskId } from '../../lib/org/task-id.ts';

const A = '2000000000000001';
const B = '2000000000000002';
const C = '2000000000000003';

function org(text: string) {
  const { org: parsed, problems } = parseOrgText(text, 'org.yaml');
  expect(problems).toEqual([]);
  return parsed!;
}

describe('organisation targets', () => {
  it('runs each policy only where the file says', () => {
    const o = org(
      [
        'name: acme',
        `accounts: ["${A}", "${B}", "${C}"]`,
        'policies:',
        '  - file: all.yaml',
        `    exclude: ["${B}"]`,
        '  - file: some.yaml',
        `    accounts: ["${C}"]`,
        '',
      ].join('\n'),
    );
    expect(orgTargets(o, [A, B, C]).map((t) => `${t.accountId} ${t.policyFile}`)).toEqual([
      `${A} all.yaml`,
      `${C} all.yaml`,
      `${C} some.yaml`,
    ]);
    expect(orgTargets(o, [A])[0]?.roleArn).toBe(`acs:ram::${A}:role/dr-replicator-member`);
  });

  it('names the role acs:ram::{account}:role/{name}', () => {
    expect(roleArn(A, 'DR-Member')).toBe(`acs:ram::${A}:role/dr-member`);
  });

  it('refuses sessionDurationSeconds below 900 and above 3600 at their lines', () => {
    const text = (n: number) =>
      `name: acme\naccounts: ["${A}"]\nsessionDurationSeconds: ${n}\npolicies: [{file: p.yaml}]\n`;
    expect(parseOrgText(text(900), 'o.yaml').problems).toEqual([]);
    expect(parseOrgText(text(3600), 'o.yaml').problems).toEqual([]);
    expect(parseOrgText(text(899), 'o.yaml').problems[0]).toMatchObject({
      line: 3,
      col: 25,
      path: 'sessionDurationSeconds',
    });
    expect(parseOrgText(text(3601), 'o.yaml').problems[0]).toMatchObject({
      line: 3,
      path: 'sessionDurationSeconds',
    });
  });
});

describe('task ids and session names', () => {
  it('derives one FC task id per (run, account, policy), letter first, [A-Za-z0-9_-] only', () => {
    const id = workerTaskId('org-acme-20261202T040000', A, 'p.yaml');
    expect(id).toBe(workerTaskId('org-acme-20261202T040000', A, 'p.yaml'));
    expect(id).not.toBe(workerTaskId('org-acme-20261202T040000', B, 'p.yaml'));
    expect(id).not.toBe(workerTaskId('org-acme-20261202T050000', A, 'p.yaml'));
    expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/);
  });

  it('stamps the run id from the trigger time, so a retried dispatch reuses it', () => {
    expect(orgRunId('acme', new Date('2026-12-02T04:00:00Z'))).toBe('org-acme-20261202T040000');
  });

  it('keeps RoleSessionName within 2-64 characters of the allowed set', () => {
    expect(sessionName('dr-org acme/x')).toBe('dr-org-acme-x');
    expect(sessionName(`dr-${'x'.repeat(100)}`)).toHaveLength(64);
    expect(sessionName('a')).toHaveLength(2);
  });
});
