import * as z from 'zod';
import { LogSchema } from '../policy/schema.ts';

/** STS AssumeRole DurationSeconds: 900 s minimum; 3600 s is a role's default maximum session. */
export const SESSION_DURATION = { min: 900, max: 3600 } as const;

/** Alibaba Cloud account ids (UIDs) are 16 digits. */
const accountId = z
  .string()
  .regex(/^[0-9]{16}$/, 'must be a 16-digit Alibaba Cloud account id (quote it in YAML)');

/** RAM role names: 1-64 characters, letters, digits, . and - (RAM CreateRole). */
const roleName = z
  .string()
  .regex(/^[A-Za-z0-9.-]{1,64}$/, 'must be a RAM role name (1-64 chars: letters, digits, . -)');

const DirectorySchema = z
  .strictObject({
    folderId: z
      .string()
      .regex(/^(fd|r)-[A-Za-z0-9]{1,64}$/, 'must be a Resource Directory folder id (fd-…)')
      .optional()
      .describe(
        'Only the members directly in this folder (ListAccountsForParent); omitted: every member of the directory (ListAccounts).',
      ),
  })
  .describe(
    'Every member account of the Resource Directory (or of one folder), listed at run time.',
  );

const PolicyRefSchema = z
  .strictObject({
    file: z.string().min(1).describe('Policy file, relative to the organisation file.'),
    accounts: z
      .array(accountId)
      .min(1)
      .optional()
      .describe('Run only in these accounts; omitted: in every account of the organisation.'),
    exclude: z.array(accountId).default([]).describe('Never run in these accounts.'),
  })
  .describe('A replication policy and the accounts it runs in.');

export const OrgSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema reference for editors; ignored.'),
    name: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9_.-]{0,62}$/,
        'must start with a letter and contain only letters, digits, _ . - (at most 63)',
      )
      .describe('Organisation name: part of run ids, task ids and role session names.'),
    accounts: z
      .array(accountId)
      .min(1)
      .optional()
      .describe('A static list of member account ids (exclusive with directory).'),
    directory: DirectorySchema.optional(),
    exclude: z
      .array(accountId)
      .default([])
      .describe('Accounts never run in (e.g. the management account itself).'),
    role: roleName
      .default('dr-replicator-member')
      .describe('Role assumed in each member account: acs:ram::{account}:role/{role}.'),
    sessionDurationSeconds: z
      .number()
      .int()
      .min(SESSION_DURATION.min)
      .max(SESSION_DURATION.max)
      .default(900)
      .describe('STS session length; must cover the worker timeout (900-3600 s).'),
    policies: z.array(PolicyRefSchema).min(1).describe('Which policies run where.'),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe('At most this many (account, policy) runs at once (local fan-out).'),
    worker: z
      .strictObject({
        functionName: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/, 'must be an FC function name')
          .default('dr-replicator-worker'),
        region: z.string().min(1).default('cn-hangzhou'),
      })
      .default({ functionName: 'dr-replicator-worker', region: 'cn-hangzhou' })
      .describe('The FC 3.0 worker function the dispatcher invokes asynchronously.'),
    log: LogSchema.default({ type: 'stdout' }).describe(
      'Where every account’s records go (central, in the management account), each stamped with accountId.',
    ),
  })
  .superRefine((org, ctx) => {
    if ((org.accounts === undefined) === (org.directory === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['accounts'],
        message: 'name the accounts: either `accounts` (a static list) or `directory`, not both',
      });
    }
  })
  .describe('dr-replicator organisation: which accounts, which role, which policies.');

export type Org = z.output<typeof OrgSchema>;
export type OrgPolicyRef = Org['policies'][number];

/** `acs:ram::{account}:role/{name}`: the role ARN to assume in a member account. */
export function roleArn(account: string, role: string): string {
  return `acs:ram::${account}:role/${role.toLowerCase()}`;
}
