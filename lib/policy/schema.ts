import { z } from 'zod';

/**
 * The replication policy, as one zod schema. It drives runtime validation and the published
 * draft-07 JSON Schema (policies/policy.schema.json) alike, so the two can never disagree.
 * Objects are strict: an unknown key (a typo) is an error, never a silently ignored rule.
 * Checks that need more than one field (regions vs destinations, templates, tag counts)
 * live in semantic.ts.
 */

const regionId = z
  .string()
  .regex(/^[a-z]{2,}-[a-z]+(-[0-9]+)?$/, 'must be a region id such as cn-hangzhou')
  .describe('An Alibaba Cloud region id, e.g. cn-hangzhou.');

const tagMap = z.record(z.string(), z.string());

export const SelectSchema = z
  .strictObject({
    tags: tagMap
      .optional()
      .describe('Only snapshots carrying all of these tags (key: value) are replicated.'),
    diskIds: z
      .array(z.string().min(1))
      .optional()
      .describe('Only snapshots of these disks (d-...).'),
    instanceIds: z
      .array(z.string().min(1))
      .optional()
      .describe('Only snapshots of disks attached to these instances (i-...).'),
    snapshotTypes: z
      .array(z.enum(['auto', 'user']))
      .min(1)
      .optional()
      .describe('auto = created by an automatic snapshot policy, user = created by hand or API.'),
    namePattern: z
      .string()
      .optional()
      .describe('A JavaScript regular expression the source snapshot name must match.'),
  })
  .describe('Which source snapshots to replicate. All given selectors must match.');

export const SourceSchema = z
  .strictObject({
    regions: z.array(regionId).min(1).describe('Regions whose snapshots are replicated.'),
    select: SelectSchema.default({}),
    lookbackHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .default(72)
      .describe('Only snapshots created within this many hours are considered.'),
    copyMode: z
      .enum(['latest', 'all'])
      .default('all')
      .describe(
        'latest: copy only the newest snapshot of each disk; all: copy every snapshot, oldest first.',
      ),
  })
  .describe('Where snapshots come from.');

export const DestinationSchema = z
  .strictObject({
    region: regionId.describe('The region copies are written to.'),
    kmsKeyId: z
      .string()
      .min(1)
      .optional()
      .describe('KMS key id (in the destination region) used to encrypt the copies.'),
    encrypted: z
      .boolean()
      .default(false)
      .describe(
        'Encrypt copies with kmsKeyId. Encrypted sources are always copied encrypted and need a key.',
      ),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(65536)
      .optional()
      .describe('Copies are released by ECS after this many days (1-65536). Unset: kept.'),
    keepLast: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Prune: keep only the newest N copies per disk in this destination.'),
    rpoHours: z
      .number()
      .positive()
      .default(24)
      .describe('Recovery point objective: the newest completed copy of a disk must be younger.'),
    maxConcurrentCopies: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe('At most this many CopySnapshot requests in flight to this destination.'),
  })
  .describe('One destination region for the copies.');

export const CopySchema = z
  .strictObject({
    nameTemplate: z
      .string()
      .min(1)
      .default('dr-{sourceName}-{date}')
      .describe(
        'Copy name. Placeholders: {sourceName} {snapshotId} {diskId} {sourceRegion} {destRegion} {date}. Rendered names are sanitised to the API rules.',
      ),
    descriptionTemplate: z
      .string()
      .min(1)
      .default('DR copy of {snapshotId} ({diskId}) from {sourceRegion}')
      .describe('Copy description; same placeholders as nameTemplate.'),
    tags: tagMap.default({}).describe('Tags added to every copy.'),
    copySourceTags: z
      .boolean()
      .default(false)
      .describe('Also copy the source snapshot tags (within the 20-tag limit).'),
  })
  .describe('How copies are named and tagged.');

export const LimitsSchema = z
  .strictObject({
    requestsPerMinute: z
      .record(z.string(), z.number().int().min(1).max(100_000))
      .default({})
      .describe(
        'Requests per minute per API and region, e.g. {CopySnapshot: 900}. Defaults stay under the quotas (CopySnapshot 1000 per 60 s).',
      ),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(6)
      .describe('Attempts per API call for retryable errors (throttling, 5xx, timeouts).'),
    timeBudgetFraction: z
      .number()
      .min(0.1)
      .max(0.95)
      .default(0.8)
      .describe('Stop starting new copies after this fraction of the run time budget.'),
    maxDeletesPerRun: z
      .number()
      .int()
      .min(0)
      .default(50)
      .describe('Pruning deletes at most this many copies per run.'),
  })
  .describe('Rate limits and budgets.');

export const LogSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('sls'),
      project: z.string().min(3).max(63),
      logstore: z.string().min(2).max(63),
      region: regionId,
    }),
    z.strictObject({ type: z.literal('stdout') }),
    z.strictObject({ type: z.literal('file'), path: z.string().min(1) }),
  ])
  .describe('Where item, run and alert records go.');

export const AlertsSchema = z
  .strictObject({
    webhook: z
      .strictObject({
        url: z.string().url(),
        secret: z.string().optional().describe('DingTalk-style signing secret.'),
      })
      .optional()
      .describe('Alert records are also POSTed here (DingTalk-compatible JSON).'),
  })
  .describe('Alerting.');

export const PolicySchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema reference for editors.'),
    name: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9_.-]{0,62}$/,
        'must start with a letter and contain only letters, digits, _ . - (at most 63)',
      )
      .describe('Policy name; stamped on every copy as tag dr-replicator:policy.'),
    schedule: z
      .string()
      .min(1)
      .describe(
        'FC timer cron: 6 fields with seconds first (e.g. "0 0 */4 * * *"), optional "CRON_TZ=Area/City " prefix, or "@every 30m".',
      ),
    source: SourceSchema,
    destinations: z.array(DestinationSchema).min(1).describe('Destination regions.'),
    copy: CopySchema.default({
      nameTemplate: 'dr-{sourceName}-{date}',
      descriptionTemplate: 'DR copy of {snapshotId} ({diskId}) from {sourceRegion}',
      tags: {},
      copySourceTags: false,
    }),
    limits: LimitsSchema.default({
      requestsPerMinute: {},
      maxAttempts: 6,
      timeBudgetFraction: 0.8,
      maxDeletesPerRun: 50,
    }),
    log: LogSchema.default({ type: 'stdout' }),
    alerts: AlertsSchema.default({}),
  })
  .describe('dr-replicator replication policy.');

export type Policy = z.output<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
export type Destination = Policy['destinations'][number];
export type Source = Policy['source'];
export type Selector = Source['select'];
export type LogTarget = Policy['log'];

/** Default per-(API, region) request rates; CopySnapshot stays under 1000 per 60 s. */
export const DEFAULT_REQUESTS_PER_MINUTE = {
  CopySnapshot: 900,
  DescribeSnapshots: 1200,
  DeleteSnapshot: 600,
  TagResources: 600,
  DescribeKey: 600,
} as const;
