import * as z from 'zod';
import { REGIONS } from '../regions.ts';

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
  // The enum is for editors (completion, early red squiggles); semantic.ts checks it at runtime.
  .meta({ enum: Object.keys(REGIONS) })
  .describe('An Alibaba Cloud region id, e.g. cn-hangzhou.');

const tagMap = z.record(z.string(), z.string());

/** Default per-(API, region) request rates; CopySnapshot stays under 1000 per 60 s. */
export const DEFAULT_REQUESTS_PER_MINUTE = {
  CopySnapshot: 900,
  DescribeSnapshots: 1200,
  DeleteSnapshot: 600,
  TagResources: 600,
  DescribeKey: 600,
} as const;

/**
 * API names whose request rate can be set. Only the JSON Schema restricts the keys (for
 * editors); semantic.ts rejects an unknown one with a "did you mean", so a typo never
 * silently leaves the default in place.
 */
/** rpoHours of a destination that does not set it. */
export const DEFAULT_RPO_HOURS = 24;

const rateLimitedApi = z.string().meta({ enum: Object.keys(DEFAULT_REQUESTS_PER_MINUTE) });

export const SelectSchema = z
  .strictObject({
    tags: tagMap
      .optional()
      .describe(
        'Only snapshots carrying all of these tags (key: value) are replicated; at most 20.',
      ),
    diskIds: z
      .array(z.string().min(1))
      .optional()
      .describe('Only snapshots of these disks (d-...). Unset: any disk.'),
    instanceIds: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Only snapshots of disks attached to these instances (i-...). Unset: any instance.',
      ),
    snapshotTypes: z
      .array(z.enum(['auto', 'user']))
      .min(1)
      .optional()
      .describe('auto = created by an automatic snapshot policy, user = created by hand or API.'),
    namePattern: z
      .string()
      .optional()
      .describe(
        'A regular expression (RE2 syntax, matched in linear time: no backreferences or lookaround) the source snapshot name must match, e.g. ^(mysql|pg)-.',
      ),
  })
  .describe('Which source snapshots to replicate. All given selectors must match.');

export const SourceSchema = z
  .strictObject({
    regions: z
      .array(regionId)
      .min(1)
      .describe('Regions whose snapshots are replicated; none may also be a destination.'),
    select: SelectSchema.default({}),
    lookbackHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .default(72)
      .describe(
        'Only snapshots created within this many hours (1-8760) are considered. Copies already made are found by tag, whatever their age.',
      ),
    copyMode: z
      .enum(['latest', 'all'])
      .default('all')
      .describe(
        'latest: copy only the newest snapshot of each disk (older ones are superseded); all: copy every snapshot in the lookback window, oldest first, one at a time per disk and destination (ECS allows one unfinished copy per disk per region).',
      ),
    retiredDisks: z
      .array(z.string().min(1).max(64))
      .max(10_000)
      .optional()
      .describe(
        'Disk ids that no longer produce snapshots on purpose (decommissioned): no source-stale alert for them. Their copies stay, and prune keeps treating them by the usual rules.',
      ),
  })
  .describe('Where snapshots come from.');

/** LockSnapshot limits (API page): duration 1-36,500 days, cool-off 0-72 hours. */
export const LOCK_LIMITS = { minDays: 1, maxDays: 36_500, maxCoolOffHours: 72 } as const;

export const LockSchema = z
  .strictObject({
    days: z
      .number()
      .int()
      .min(LOCK_LIMITS.minDays)
      .max(LOCK_LIMITS.maxDays)
      .describe(
        'Lock duration in days (1-36,500), counted from the lock; at most retentionDays when that is set (a lock must expire on or before the copy is released).',
      ),
    coolOffHours: z
      .number()
      .int()
      .min(0)
      .max(LOCK_LIMITS.maxCoolOffHours)
      .default(0)
      .describe(
        'Cool-off in hours (0-72): during it the lock can still be removed (UnlockSnapshot). Default 0: locked for good at once.',
      ),
  })
  .describe('Compliance-mode lock of each completed copy.');

/** CreateDisk DiskCategory values a drill may restore into (ECS API page). */
export const DRILL_DISK_CATEGORIES = [
  'cloud',
  'cloud_efficiency',
  'cloud_ssd',
  'cloud_essd',
  'cloud_auto',
  'cloud_essd_entry',
] as const;

export const RestoreDrillSchema = z
  .strictObject({
    everyDays: z
      .number()
      .int()
      .min(1)
      .max(366)
      .describe(
        'Days between drills per destination (1-366): a drill is due when no copy there was restore-tested within this many days.',
      ),
    diskCategory: z
      .enum(DRILL_DISK_CATEGORIES)
      .describe('Category of the drill disk (CreateDisk DiskCategory), e.g. cloud_essd.'),
    zoneId: z
      .string()
      .regex(/^[a-z]{2,}(-[a-z0-9]+)+$/, 'must be a zone id such as cn-beijing-a')
      .optional()
      .describe(
        'Zone of the drill disk in the destination whose region it belongs to; other destinations (and this one when unset) use the first zone DescribeZones lists.',
      ),
  })
  .describe(
    'Restore drills: on this cadence the run restores the newest completed copy of each destination to a disk (CreateDisk), times it until Available, records the result and deletes the disk.',
  );

export const DestinationSchema = z
  .strictObject({
    region: regionId.describe(
      'The region copies are written to; listed once per policy, never a source region.',
    ),
    kmsKeyId: z
      .string()
      .min(1)
      .optional()
      .describe(
        'KMS key (id, alias or acs:kms ARN) in the destination region that encrypts the copies. Also used for encrypted sources when encrypted is false; without it, an encrypted source fails in this destination (PolicyError.EncryptedSourceWithoutKey) rather than being copied in plaintext.',
      ),
    encrypted: z
      .boolean()
      .default(false)
      .describe(
        'Encrypt every copy with kmsKeyId (required when true). Encrypted sources are always copied encrypted; without a kmsKeyId here each one is recorded failed (errorCode PolicyError.EncryptedSourceWithoutKey) every run, and `plan` shows it as fail, until a key is set.',
      ),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(65536)
      .optional()
      .describe(
        'ECS releases each copy after this many days (CopySnapshot RetentionDays, 1-65536). Unset: copies are kept until pruned.',
      ),
    keepLast: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe(
        'Prune: keep only the newest N completed copies per disk in this destination; only copies tagged by this policy are ever deleted. Unset: no pruning.',
      ),
    rpoHours: z
      .number()
      .positive()
      .default(DEFAULT_RPO_HOURS)
      .describe(
        'Recovery point objective in hours: the newest completed copy of each disk must be younger, or an alert record is written. Default 24.',
      ),
    maxConcurrentCopies: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe(
        'At most this many copies (1-100) are started and unfinished at once in this destination. Default 10.',
      ),
    lock: LockSchema.optional().describe(
      'Lock each completed copy once in compliance mode (ECS LockSnapshot): nobody, the account owner included, can delete it until the lock expires. Unset: copies are not locked.',
    ),
  })
  .describe('One destination region for the copies.');

export const CopySchema = z
  .strictObject({
    nameTemplate: z
      .string()
      .min(1)
      .default('dr-{sourceName}-{date}')
      .describe(
        'Copy name. Placeholders: {sourceName} {snapshotId} {diskId} {sourceRegion} {destRegion} {date} (source creation time, UTC, YYYYMMDD-HHmm). Must start with a letter and use only letters, digits and : _ . -; values are sanitised to the API rules (2-128 chars) when rendered.',
      ),
    descriptionTemplate: z
      .string()
      .min(1)
      .default('DR copy of {snapshotId} ({diskId}) from {sourceRegion}')
      .describe(
        'Copy description (2-256 chars, must not start with http:// or https://); same placeholders as nameTemplate.',
      ),
    tags: tagMap
      .default({})
      .describe(
        'Tags added to every copy: at most 16, since the 4 dr-replicator:* provenance tags are added; keys must not start with acs:, aliyun or dr-replicator:.',
      ),
    copySourceTags: z
      .boolean()
      .default(false)
      .describe(
        'Also copy the source snapshot tags. Tags the API refuses (acs:*, aliyun*, URLs) are dropped; policy and provenance tags win on conflicts, and the total is capped at 20.',
      ),
  })
  .describe('How copies are named and tagged.');

export const LimitsSchema = z
  .strictObject({
    requestsPerMinute: z
      .record(rateLimitedApi, z.number().int().min(1).max(100_000))
      .default({})
      .describe(
        'Requests per minute per API and region, e.g. {DescribeSnapshots: 600}. APIs not listed use the defaults (CopySnapshot 900, DescribeSnapshots 1200, DeleteSnapshot 600, TagResources 600, DescribeKey 600). CopySnapshot is different: its quota (1000 per 60 s) is per account, so its rate is one for the whole account (all source regions, destinations and policies in the process), starts at this figure and adapts: it climbs toward accountCopySnapshotsPerMinute while calls succeed and backs off on Throttling.',
      ),
    accountCopySnapshotsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe(
        'The operator cap on CopySnapshot calls for the whole account from this deployment, in any 60 s window: the adaptive rate never climbs above it. Default: the documented quota (1000), or requestsPerMinute.CopySnapshot when that is higher (a raised quota). Lower it to leave room for other callers; the lowest cap of all policies run in one process holds for all of them.',
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
      .describe(
        'Stop starting new copies after this fraction (0.1-0.95) of the run time budget (the FC timeout); the next run resumes.',
      ),
    maxDeletesPerRun: z
      .number()
      .int()
      .min(0)
      .default(50)
      .describe('Pruning deletes at most this many copies per run (0 disables deletion).'),
  })
  .describe('Rate limits and budgets.');

export const LogSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('sls').describe('Write records to a Log Service logstore.'),
      project: z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
          'must be an SLS project name (3-63 chars, a-z 0-9 -)',
        )
        .describe('SLS project name.'),
      logstore: z
        .string()
        .regex(
          /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/,
          'must be an SLS logstore name (3-63 chars, a-z 0-9 _ -)',
        )
        .describe('SLS logstore name.'),
      region: regionId.describe('Region of the SLS project.'),
    }),
    z.strictObject({
      type: z
        .literal('stdout')
        .describe('Write records as JSON lines to stdout (FC ships stdout to its logstore).'),
    }),
    z.strictObject({
      type: z.literal('file').describe('Append records as JSON lines to a local file.'),
      path: z.string().min(1).describe('File path, relative to the working directory.'),
    }),
  ])
  .describe('Where item, run and alert records go.');

/** An environment variable name, as POSIX shells and FC environmentVariables accept. */
const ENV_NAME = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, _)');

export const AlertsSchema = z
  .strictObject({
    webhook: z
      .strictObject({
        url: z
          .url({ protocol: /^https?$/ })
          .optional()
          .describe(
            'Webhook URL (http or https). Never echoed in messages: it may hold a token. Give url or urlEnv.',
          ),
        urlEnv: ENV_NAME.optional().describe(
          'Name of the environment variable holding the webhook URL (in FC: environmentVariables), instead of url.',
        ),
        secret: z
          .string()
          .optional()
          .describe(
            'DingTalk-style signing secret, written in the policy (validate warns: prefer secretEnv).',
          ),
        secretEnv: ENV_NAME.optional().describe(
          'Name of the environment variable holding the signing secret, instead of secret.',
        ),
      })
      .superRefine((webhook, ctx) => {
        if ((webhook.url === undefined) === (webhook.urlEnv === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: [webhook.url === undefined ? 'url' : 'urlEnv'],
            message: 'give exactly one of url and urlEnv',
          });
        }
        if (webhook.secret !== undefined && webhook.secretEnv !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['secret'],
            message: 'give at most one of secret and secretEnv',
          });
        }
      })
      .optional()
      .describe('Alert records are also POSTed here (DingTalk-compatible JSON).'),
  })
  .describe('Alerting, in addition to the alert records in the log target.');

export const PolicySchema = z
  .strictObject({
    $schema: z
      .string()
      .optional()
      .describe('JSON Schema reference for editors; ignored at runtime.'),
    name: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9_.-]{0,62}$/,
        'must start with a letter and contain only letters, digits, _ . - (at most 63)',
      )
      .describe(
        'Policy name (letter first, letters, digits, _ . -, at most 63); stamped on every copy as tag dr-replicator:policy, so renaming a policy orphans its copies.',
      ),
    schedule: z
      .string()
      .min(1)
      .describe(
        'FC timer syntax: a cron expression of 6 fields, seconds first (e.g. "0 0 */4 * * *"), in UTC unless prefixed with "CRON_TZ=Area/City "; or "@every 30m" (whole minutes only, as FC documents; at least 1 minute).',
      ),
    source: SourceSchema,
    destinations: z
      .array(DestinationSchema)
      .min(1)
      .describe('Destination regions, each with its own key, retention and RPO.'),
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
    restoreDrill: RestoreDrillSchema.optional().describe(
      "Scheduled restore drills proving each destination's newest copy restores. Unset: no drills.",
    ),
  })
  .describe('dr-replicator replication policy.');

export type Policy = z.output<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
export type Destination = Policy['destinations'][number];
export type Source = Policy['source'];
export type Selector = Source['select'];
export type LogTarget = Policy['log'];
