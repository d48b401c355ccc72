import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningEmulator, startEmulator } from '../index.ts';
import { seededRandom } from '../model/ids.ts';
import type { World } from '../model/types.ts';
import { isAllowed, parseRamPolicy, type RamPolicy } from '../policy/ram-policy.ts';
import { ApiError } from '../protocol/api-error.ts';
import { TIMESTAMP_WINDOW_MS } from '../protocol/authenticate.ts';
import type { CredentialStore } from '../protocol/credentials.ts';
import { sendJson } from '../protocol/json-response.ts';
import { NonceCache } from '../protocol/nonce-cache.ts';
import type { DirectoryMember } from './directory.ts';
import { type AsyncTask, FcAsync, type FcFaults, type FcFunctionSpec } from './fc-async.ts';
import { type FrontContext, serveFront } from './front.ts';
import { proxy, signingKey } from './proxy.ts';
import type { AssumedSession } from './sts.ts';
import type { Caller, RoleSpec } from './trust.ts';

export interface OrgMemberSpec extends DirectoryMember {
  world: World | 'demo' | 'empty';
  /** Roles in this account (none: AssumeRole answers EntityNotExist.Role). */
  roles?: RoleSpec[];
}

export interface OrgEmulatorOptions {
  managementAccountId: string;
  members: OrgMemberSpec[];
  /** The management account's permission policy for its function role; null: allow all. */
  managementRolePolicy?: unknown;
  /** The role FC functions run as in the management account. */
  functionRole?: string;
  region?: string;
  startTime?: Date;
  /** Virtual clock speed of every account. */
  speed?: number;
  seed?: number;
}

export interface RunningOrgEmulator {
  url: string;
  /** The management account's own pair (root). */
  credentials: { accessKeyId: string; accessKeySecret: string };
  management: RunningEmulator;
  account(accountId: string): RunningEmulator;
  accountIds(): string[];
  deployFunction(spec: Omit<FcFunctionSpec, 'role'> & { role?: string }): void;
  setFunctionConcurrency(name: string, concurrency: number): void;
  setFcFaults(faults: FcFaults): void;
  tasks(): AsyncTask[];
  /** AssumeRole calls that succeeded, in order. */
  sessions(): AssumedSession[];
  /** STS calls refused, with the code. */
  refusedAssumeRoles(): { roleArn: string; code: string }[];
  /** A session of the management account's function role, as FC puts it in the context. */
  functionRoleCredentials(): {
    accessKeyId: string;
    accessKeySecret: string;
    securityToken: string;
  };
  /** Resolves once every async invocation has finished (retries included). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Several Alibaba Cloud accounts behind one endpoint, like the real public endpoints: each
 * member is a full emulator with its own world; a request goes to the account whose
 * credentials signed it. The front itself serves the management account's STS AssumeRole,
 * Resource Directory ListAccounts(ForParent) and FC 3.0 async invocation.
 */
export async function startOrgEmulator(opts: OrgEmulatorOptions): Promise<RunningOrgEmulator> {
  const startTime = opts.startTime ?? new Date();
  const speed = opts.speed ?? 1;
  const region = opts.region ?? 'cn-hangzhou';
  const functionRole = opts.functionRole ?? 'dr-replicator-fc';
  const random = seededRandom(opts.seed ?? 1);
  const management = await startEmulator({
    world: 'empty',
    accountId: opts.managementAccountId,
    startTime,
    speed,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });
  const members = new Map<string, { spec: OrgMemberSpec; emulator: RunningEmulator }>();
  for (const [i, spec] of opts.members.entries()) {
    const emulator = await startEmulator({
      world: spec.world,
      accountId: spec.accountId,
      startTime,
      speed,
      seed: (opts.seed ?? 1) * 1000 + i,
    });
    // The emulator enforces one RAM policy per account: the member role's permissions.
    const role = spec.roles?.[0];
    if (role !== undefined) emulator.admin.setRamPolicy(role.permissions as RamPolicy);
    members.set(spec.accountId, { spec, emulator });
  }
  const mgmtPolicy: RamPolicy | null =
    opts.managementRolePolicy === undefined ? null : parseRamPolicy(opts.managementRolePolicy);
  if (mgmtPolicy !== null) management.admin.setRamPolicy(mgmtPolicy);

  /** Who each issued key belongs to (the default pair: the management account's root). */
  const owners = new Map<string, { accountId: string; role?: string }>();
  const sessions: AssumedSession[] = [];
  const refused: { roleArn: string; code: string }[] = [];
  const nonces = new NonceCache(TIMESTAMP_WINDOW_MS);
  // The front's own services take the management account's keys (the admin facade holds them).
  const mgmtCore = management.admin as unknown as { credentials: CredentialStore };

  const fc = new FcAsync({
    accountId: opts.managementAccountId,
    region,
    random,
    roleCredentials: (role, ttl) => {
      const c = management.admin.issueStsCredentials(ttl);
      owners.set(c.accessKeyId, { accountId: opts.managementAccountId, role });
      return {
        accessKeyId: c.accessKeyId,
        accessKeySecret: c.accessKeySecret,
        securityToken: c.securityToken,
      };
    },
  });

  const callerOf = (accessKeyId: string): Caller => {
    const owner = owners.get(accessKeyId);
    return owner ?? { accountId: opts.managementAccountId };
  };

  /** The management role's RAM policy applies to its role sessions (root is never limited). */
  const authorize = (caller: Caller, action: string, resource: string): void => {
    if (caller.role === undefined || mgmtPolicy === null) return;
    if (!isAllowed(mgmtPolicy, action, resource)) {
      throw new ApiError(
        403,
        'NoPermission',
        `You are not authorized to do this action. Action: ${action}, Resource: ${resource}`,
      );
    }
  };

  const front: FrontContext = {
    managementAccountId: opts.managementAccountId,
    region,
    credentials: mgmtCore.credentials,
    nonces,
    fc,
    members: opts.members,
    callerOf,
    authorize,
    sessions,
    refused,
    findRole: (accountId, roleName) =>
      members
        .get(accountId)
        ?.spec.roles?.find((r) => r.name.toLowerCase() === roleName.toLowerCase()),
    issue: (accountId, ttl) => {
      const member = members.get(accountId);
      if (member === undefined)
        throw new ApiError(404, 'EntityNotExist.Role', 'The specified Role not exists.');
      const creds = member.emulator.admin.issueStsCredentials(ttl);
      owners.set(creds.accessKeyId, { accountId });
      return creds;
    },
  };

  const server: Server = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (await serveFront(front, req, res, url, body)) return;
        const key = signingKey(req, url, body);
        const owner = key === undefined ? undefined : owners.get(key);
        const member = owner === undefined ? undefined : members.get(owner.accountId);
        return proxy(member?.emulator ?? management, req, res, body);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { Code: 'InternalError', Message: String(error) });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    credentials: management.credentials,
    management,
    account(accountId) {
      const m = members.get(accountId);
      if (m === undefined) throw new RangeError(`no member account ${accountId}`);
      return m.emulator;
    },
    accountIds: () => [...members.keys()],
    deployFunction(spec) {
      fc.deploy({ ...spec, role: spec.role ?? functionRole });
    },
    setFunctionConcurrency: (name, n) => fc.setConcurrency(name, n),
    setFcFaults: (faults) => fc.setFaults(faults),
    tasks: () => fc.list(),
    sessions: () => sessions.map((s) => ({ ...s })),
    refusedAssumeRoles: () => refused.map((r) => ({ ...r })),
    functionRoleCredentials: () => {
      const c = management.admin.issueStsCredentials(3600);
      owners.set(c.accessKeyId, { accountId: opts.managementAccountId, role: functionRole });
      return {
        accessKeyId: c.accessKeyId,
        accessKeySecret: c.accessKeySecret,
        securityToken: c.securityToken,
      };
    },
    idle: () => fc.idle(),
    async stop() {
      await fc.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all([
        management.stop(),
        ...[...members.values()].map((m) => m.emulator.stop()),
      ]);
    },
  };
}
