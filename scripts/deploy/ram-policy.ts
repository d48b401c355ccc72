import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadPolicyFile } from '../../lib/policy/load.ts';
import type { Policy } from '../../lib/policy/schema.ts';
import { policiesOf, readServiceFile } from './service-file.ts';

/**
 * The least-privilege RAM policy for the function's role, derived from the policies s.yaml
 * deploys: each API only in the regions it is called in (copies are started from source
 * regions; tagged and pruned only in destinations), KMS only on the configured keys, log writes
 * only to the configured logstores, and deletion only of snapshots carrying our policy tag.
 * `npm run ram-policy` regenerates policies/ram-policy.json; a test keeps the two in step.
 */

export interface RamStatement {
  Effect: 'Allow';
  Action: string;
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface RamPolicyDocument {
  Version: '1';
  Statement: RamStatement[];
}

export interface LogTarget {
  region: string;
  project: string;
  logstore: string;
}

export interface RamPolicyInput {
  policies: Policy[];
  /** The account id, when known; `*` otherwise (the role can only act in its own account). */
  accountId?: string;
  /**
   * The functions' own logstores named by DR_REPLICATOR_FUNCTION_LOG: the next run reads the
   * records a run could not write back from there (functions/replicate/pending-records.ts).
   */
  functionLogs?: { region: string; project: string; logstore: string }[];
}

/** The tag every copy carries; DeleteSnapshot is allowed on nothing else. */
export const POLICY_TAG = 'dr-replicator:policy';
/** The tag every restore-drill disk carries; DeleteDisk is allowed on nothing else. */
export const DRILL_TAG = 'dr-replicator:drill';

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

function keyArn(region: string, account: string, keyId: string): string {
  // A key given as its full ARN is already the resource name; an alias resolves to a key id
  // only at call time, so it can be scoped to its region and no further.
  if (keyId.startsWith('acs:kms:')) return keyId;
  if (keyId.startsWith('alias/')) return `acs:kms:${region}:${account}:key/*`;
  return `acs:kms:${region}:${account}:key/${keyId}`;
}

const OWN_COPIES = { StringLike: { [`acs:ResourceTag/${POLICY_TAG}`]: '*' } };

export function renderRamPolicy(input: RamPolicyInput): RamPolicyDocument {
  const account = input.accountId ?? '*';
  const sources = sorted(input.policies.flatMap((p) => p.source.regions));
  const destinations = sorted(input.policies.flatMap((p) => p.destinations.map((d) => d.region)));
  const locking = sorted(
    input.policies.flatMap((p) => p.destinations.filter((d) => d.lock).map((d) => d.region)),
  );
  const snapshots = (regions: string[]) =>
    regions.map((region) => `acs:ecs:${region}:${account}:snapshot/*`);
  const keys = input.policies.flatMap((p) =>
    p.destinations.flatMap((d) => (d.kmsKeyId ? [keyArn(d.region, account, d.kmsKeyId)] : [])),
  );
  const logTargets: LogTarget[] = input.policies.flatMap((p) =>
    p.log.type === 'sls' ? [p.log] : [],
  );
  const logstores = logTargets.map(
    (t) => `acs:log:${t.region}:${account}:project/${t.project}/logstore/${t.logstore}`,
  );

  const statements: RamStatement[] = [
    // Discovery lists sources; reconcile and progress tracking list destinations.
    {
      Effect: 'Allow',
      Action: 'ecs:DescribeSnapshots',
      Resource: snapshots(sorted([...sources, ...destinations])),
    },
    // Past the documented 1,000-result cap of a tag query, a listing may route through the tag
    // index (ListTagResources, then DescribeSnapshots by id): same regions, read-only.
    {
      Effect: 'Allow',
      Action: 'ecs:ListTagResources',
      Resource: snapshots(sorted([...sources, ...destinations])),
    },
    // CopySnapshot is called in the source region (RegionId = the source snapshot's region).
    { Effect: 'Allow', Action: 'ecs:CopySnapshot', Resource: snapshots(sources) },
    // Tagging (marking copies reported) and pruning touch only our own copies: both are
    // conditioned on the provenance tag every copy is created with, so the role can neither
    // delete a source snapshot nor tag one to make it deletable.
    {
      Effect: 'Allow',
      Action: 'ecs:TagResources',
      Resource: snapshots(destinations),
      Condition: OWN_COPIES,
    },
    {
      Effect: 'Allow',
      Action: 'ecs:DeleteSnapshot',
      Resource: snapshots(destinations),
      Condition: OWN_COPIES,
    },
  ];
  // Locking (issue 18) only where a destination has `lock`, and only our own copies: the role
  // cannot lock a source snapshot (which would block its deletion for the lock's duration).
  if (locking.length > 0) {
    statements.push(
      {
        Effect: 'Allow',
        Action: 'ecs:DescribeLockedSnapshots',
        Resource: snapshots(locking),
      },
      {
        Effect: 'Allow',
        Action: 'ecs:LockSnapshot',
        Resource: snapshots(locking),
        Condition: OWN_COPIES,
      },
    );
  }
  // Restore drills (issue 18) only where a policy drills, only in its destinations: disks are
  // made only from our own copies (the snapshot resource carries the provenance tag) and
  // deleted only when they carry the drill tag, so the role can delete no other disk.
  // DescribeZones has no resource-level authorization: scoped to the region.
  const drilling = sorted(
    input.policies.flatMap((p) => (p.restoreDrill ? p.destinations.map((d) => d.region) : [])),
  );
  if (drilling.length > 0) {
    const disks = drilling.map((region) => `acs:ecs:${region}:${account}:disk/*`);
    statements.push(
      {
        Effect: 'Allow',
        Action: 'ecs:DescribeZones',
        Resource: drilling.map((r) => `acs:ecs:${r}:${account}:*`),
      },
      { Effect: 'Allow', Action: 'ecs:CreateDisk', Resource: disks },
      {
        Effect: 'Allow',
        Action: 'ecs:CreateDisk',
        Resource: snapshots(drilling),
        Condition: OWN_COPIES,
      },
      { Effect: 'Allow', Action: 'ecs:DescribeDisks', Resource: disks },
      {
        Effect: 'Allow',
        Action: 'ecs:DeleteDisk',
        Resource: disks,
        Condition: { StringLike: { [`acs:ResourceTag/${DRILL_TAG}`]: '*' } },
      },
    );
  }
  // Without an encrypted destination there is no key to check, so no KMS permission at all.
  if (keys.length > 0) {
    statements.push({ Effect: 'Allow', Action: 'kms:DescribeKey', Resource: sorted(keys) });
  }
  if (logstores.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: 'log:PostLogStoreLogs',
      Resource: sorted(logstores),
    });
  }
  // Reads: the claim board (run lease, CopySnapshot quota share) is a query of the records
  // logstore; pending records are read back from the function's own logstore.
  const readable = [
    ...logstores,
    ...(input.functionLogs ?? []).map(
      (t) => `acs:log:${t.region}:${account}:project/${t.project}/logstore/${t.logstore}`,
    ),
  ];
  if (readable.length > 0) {
    statements.push({
      Effect: 'Allow',
      Action: 'log:GetLogStoreLogs',
      Resource: sorted([...new Set(readable)]),
    });
  }
  return { Version: '1', Statement: statements };
}

/** The RAM policy for what s.yaml in `rootDir` deploys. */
export async function ramPolicyForService(
  rootDir: string,
  accountId?: string,
): Promise<RamPolicyDocument> {
  const service = await readServiceFile(rootDir);
  const files = sorted(service.functions.flatMap(policiesOf));
  const policies = await Promise.all(files.map((file) => loadPolicyFile(path.join(rootDir, file))));
  // FC 3.0 delivers the function's own output with its service-linked role
  // (AliyunServiceRoleForFC): the function's role only reads it back (pending records).
  const functionLogs = service.functions.flatMap((fn) => {
    const [project, logstore] = (fn.environment.DR_REPLICATOR_FUNCTION_LOG ?? '').split('/');
    const region = typeof fn.props.region === 'string' ? fn.props.region : undefined;
    return project && logstore && region ? [{ region, project, logstore }] : [];
  });
  return renderRamPolicy({ policies, functionLogs, ...(accountId ? { accountId } : {}) });
}

export function formatRamPolicy(document: RamPolicyDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const accountFlag = process.argv.indexOf('--account');
  const accountId = accountFlag >= 0 ? process.argv[accountFlag + 1] : undefined;
  process.stdout.write(formatRamPolicy(await ramPolicyForService(process.cwd(), accountId)));
}
