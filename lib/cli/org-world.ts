import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { syntheticWorld } from '../../emulator/index.ts';
import {
  type OrgMemberSpec,
  type RunningOrgEmulator,
  startOrgEmulator,
} from '../../emulator/org/org-emulator.ts';
import type { RoleSpec, TrustPolicy } from '../../emulator/org/trust.ts';
import { createOrgHandlers } from '../../functions/org/index.ts';
import { realSleep } from '../engine/limiter.ts';
import type { EngineTuning } from '../engine/types.ts';
import { packageRoot } from './package-root.ts';

export const MANAGEMENT_ACCOUNT = '1000000000000001';
export const SOURCE = 'cn-hangzhou';
export const DESTINATIONS = ['cn-beijing', 'cn-shanghai'] as const;
export const WORKER = 'dr-replicator-worker';
export const ORG_FUNCTION_ROLE = 'dr-replicator-org-fc';
/** Virtual seconds per real second: the quota is per virtual minute, the limiter scaled to it. */
export const SPEED = 60;
/** The documented CopySnapshot flow control per account (emulator default). */
export const QUOTA_PER_MINUTE = 1000;

// Compiled, this module runs from build/cli/chunks: the shipped documents are found upwards.
const root = packageRoot();

export function memberId(i: number): string {
  return `2${String(i).padStart(15, '0')}`;
}

/** The shipped RAM documents, the management account id filled in. */
export async function shippedRoles(): Promise<{ member: RoleSpec; management: unknown }> {
  const read = async (file: string) => readFile(path.join(root, 'policies/org', file), 'utf8');
  const trust = JSON.parse(
    (await read('member-role-trust.json')).replaceAll(
      '<management-account-id>',
      MANAGEMENT_ACCOUNT,
    ),
  ) as TrustPolicy;
  return {
    member: {
      name: 'dr-replicator-member',
      trustPolicy: trust,
      permissions: JSON.parse(await read('member-role-policy.json')),
    },
    management: JSON.parse(await read('management-role-policy.json')),
  };
}

export interface OrgWorld {
  org: RunningOrgEmulator;
  dir: string;
  orgFile: string;
  logFile: string;
  accounts: string[];
  /** Runs the dispatcher once, as the timer would, and waits for every worker. */
  tick(triggerTime: string): Promise<unknown>;
  close(): Promise<void>;
}

export interface OrgWorldOptions {
  accounts: number;
  snapshotsPerAccount: number;
  /** Member accounts (by index) that have no dr-replicator-member role. */
  withoutRole?: number[];
  workerConcurrency: number;
  /** Use the Resource Directory (ListAccounts) instead of a static list. */
  directory?: boolean;
  maxAsyncRetryAttempts?: number;
  /** Per (virtual) minute, every API the run calls (default 900, the engine's CopySnapshot rate). */
  requestsPerMinute?: number;
  /** Virtual seconds per real second (default SPEED). */
  speed?: number;
  /** Each member's CopySnapshot quota per (virtual) minute, per region (default 1000). */
  copyQuotaPerMinute?: number;
}

/**
 * An organisation in the emulator (`dr-replicator org demo`, the org tests and bench:org): member accounts with one world each and the shipped
 * member role, the management account with the shipped function-role policy, the worker and
 * dispatcher handlers deployed as FC functions, and the org + policy files on disk.
 */
export async function orgWorld(options: OrgWorldOptions): Promise<OrgWorld> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dr-org-'));
  const roles = await shippedRoles();
  const now = new Date();
  const accounts = Array.from({ length: options.accounts }, (_, i) => memberId(i + 1));
  const members: OrgMemberSpec[] = accounts.map((accountId, i) => ({
    accountId,
    displayName: `member-${i + 1}`,
    folderId: i % 2 === 0 ? 'fd-prod' : 'fd-test',
    world: syntheticWorld({
      regions: [SOURCE],
      disksPerRegion: options.snapshotsPerAccount,
      snapshotsPerDisk: 1,
      now,
      destinations: [...DESTINATIONS],
      tagged: { dr: 'true' },
      seed: i + 1,
    }),
    ...(options.withoutRole?.includes(i) ? {} : { roles: [roles.member] }),
  }));
  const org = await startOrgEmulator({
    managementAccountId: MANAGEMENT_ACCOUNT,
    members,
    managementRolePolicy: roles.management,
    // The role s.yaml gives the dispatcher and worker, which the member trust policy names.
    functionRole: ORG_FUNCTION_ROLE,
    startTime: now,
    speed: options.speed ?? SPEED,
    seed: 7,
  });
  if (options.copyQuotaPerMinute !== undefined) {
    for (const id of accounts) {
      org.account(id).admin.setThrottle('CopySnapshot', { perMinute: options.copyQuotaPerMinute });
    }
  }
  const logFile = path.join(dir, 'records.jsonl');
  const rate = options.requestsPerMinute ?? 900;
  await writeFile(
    path.join(dir, 'policy.yaml'),
    [
      'name: org-dr',
      'schedule: "@every 60m"',
      'source:',
      `  regions: [${SOURCE}]`,
      '  select: { tags: { dr: "true" } }',
      '  lookbackHours: 168',
      'destinations:',
      ...DESTINATIONS.map((d) => `  - { region: ${d}, maxConcurrentCopies: 4 }`),
      'limits:',
      `  requestsPerMinute: { CopySnapshot: ${rate}, DescribeSnapshots: ${rate}, DescribeKey: ${rate}, TagResources: ${rate} }`,
      // A world with a scaled-down quota says so, as an operator whose quota is not the
      // documented 1,000/min would: the adaptive rate climbs to this cap, not past it.
      ...(options.copyQuotaPerMinute === undefined
        ? []
        : [`  accountCopySnapshotsPerMinute: ${options.copyQuotaPerMinute}`]),
      '',
    ].join('\n'),
  );
  const orgFile = path.join(dir, 'org.yaml');
  await writeFile(
    orgFile,
    [
      'name: acme',
      options.directory
        ? 'directory: {}'
        : `accounts: [${accounts.map((a) => `"${a}"`).join(', ')}]`,
      'role: dr-replicator-member',
      'policies:',
      '  - file: policy.yaml',
      `worker: { functionName: ${WORKER}, region: cn-hangzhou }`,
      `log: { type: file, path: ${JSON.stringify(logFile)} }`,
      '',
    ].join('\n'),
  );
  const env = { ORG_FILE: orgFile, DR_REPLICATOR_ENDPOINT: org.url };
  // The engine's limiter runs on the accounts' clock, so a rate per minute is per virtual
  // minute, as each account's quota is.
  const speed = options.speed ?? SPEED;
  const origin = performance.now();
  const tuning: EngineTuning = {
    clock: () => (performance.now() - origin) * speed,
    sleep: (ms, signal) => realSleep(ms / speed, signal),
  };
  const handlers = createOrgHandlers({ env, writeLog: () => {}, tuning });
  org.deployFunction({
    name: WORKER,
    handler: (event, context) => handlers.work(event, context),
    timeoutSeconds: 900,
    concurrency: options.workerConcurrency,
    maxAsyncRetryAttempts: options.maxAsyncRetryAttempts ?? 3,
    asyncTask: true,
  });
  org.deployFunction({
    name: 'dr-replicator-dispatcher',
    handler: (event, context) => handlers.dispatch(event, context),
    timeoutSeconds: 300,
    concurrency: 1,
    maxAsyncRetryAttempts: 0,
    asyncTask: false,
  });
  return {
    org,
    dir,
    orgFile,
    logFile,
    accounts,
    async tick(triggerTime) {
      const event = Buffer.from(JSON.stringify({ triggerTime, triggerName: 'org', payload: '' }));
      const result = await handlers.dispatch(event, {
        requestId: `dispatch-${triggerTime}`,
        credentials: functionCredentials(org),
        function: { name: 'dr-replicator-dispatcher', timeout: 300 },
        accountId: MANAGEMENT_ACCOUNT,
        region: 'cn-hangzhou',
      });
      await org.idle();
      return result;
    },
    async close() {
      await org.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What FC hands the dispatcher: a session of the function role in the management account. */
function functionCredentials(org: RunningOrgEmulator) {
  return org.functionRoleCredentials();
}

/** Records from the central JSON-lines log. */
export async function readRecords(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Copies per (account, source snapshot, destination) that carry the policy's tags. */
export function copiesPerPair(world: OrgWorld): Map<string, number> {
  const pairs = new Map<string, number>();
  for (const accountId of world.accounts) {
    const emu = world.org.account(accountId);
    for (const dest of DESTINATIONS) {
      for (const s of emu.admin.snapshots(dest)) {
        if (s.tags['dr-replicator:policy'] !== 'org-dr' || s.status === 'failed') continue;
        const key = `${accountId}>${s.tags['dr-replicator:source-snapshot']}>${dest}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
  }
  return pairs;
}
