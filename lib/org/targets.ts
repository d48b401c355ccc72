import path from 'node:path';
import type { DirectoryApi } from '../ports.ts';
import { type Org, roleArn } from './schema.ts';

/** One (account, policy) run: the unit the dispatcher fans out. */
export interface OrgTarget {
  accountId: string;
  roleArn: string;
  /** As named in the organisation file (relative to it): part of the task id. */
  policyFile: string;
}

/** The member accounts: the static list, or the directory's active members, less `exclude`. */
export async function resolveAccounts(org: Org, directory?: DirectoryApi): Promise<string[]> {
  let ids: string[];
  if (org.accounts !== undefined) ids = [...org.accounts];
  else {
    if (directory === undefined) throw new TypeError('the organisation lists a directory');
    const members = await directory.listAccounts(org.directory?.folderId);
    // Accounts still being created, or leaving, have no role to assume yet.
    ids = members.filter((m) => m.status === 'CreateSuccess').map((m) => m.accountId);
  }
  const excluded = new Set(org.exclude);
  return [...new Set(ids)].filter((id) => !excluded.has(id)).sort();
}

/** Every (account, policy) pair the organisation file asks for, in a stable order. */
export function orgTargets(org: Org, accounts: readonly string[]): OrgTarget[] {
  const out: OrgTarget[] = [];
  for (const accountId of accounts) {
    for (const ref of org.policies) {
      if (ref.accounts !== undefined && !ref.accounts.includes(accountId)) continue;
      if (ref.exclude.includes(accountId)) continue;
      out.push({ accountId, roleArn: roleArn(accountId, org.role), policyFile: ref.file });
    }
  }
  return out;
}

export function policyPath(orgFile: string, policyFile: string): string {
  return path.resolve(path.dirname(orgFile), policyFile);
}
