import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../protocol/api-error.ts';
import { authenticate } from '../protocol/authenticate.ts';
import type { CredentialStore } from '../protocol/credentials.ts';
import { sendJson } from '../protocol/json-response.ts';
import type { NonceCache } from '../protocol/nonce-cache.ts';
import { type DirectoryMember, listAccounts } from './directory.ts';
import type { FcAsync } from './fc-async.ts';
import { type AssumedSession, assumeRole, type StsDeps } from './sts.ts';
import type { Caller } from './trust.ts';
import { sendRpcError } from './wire.ts';

const STS_VERSION = '2015-04-01';
const RESOURCE_MANAGER_VERSION = '2020-03-31';
const FC_PATH = /^\/2023-03-30\/functions\/([^/]+)\/invocations$/;

/** What the front's own services need from the organization. */
export interface FrontContext extends StsDeps {
  managementAccountId: string;
  region: string;
  /** The management account's keys: the front's services are called with them. */
  credentials: CredentialStore;
  nonces: NonceCache;
  fc: FcAsync;
  /** The members, in the directory's order. */
  members: readonly DirectoryMember[];
  callerOf(accessKeyId: string): Caller;
  /** The management role's RAM policy on a call (throws NoPermission). */
  authorize(caller: Caller, action: string, resource: string): void;
  /** AssumeRole calls that succeeded / were refused, appended in order. */
  sessions: AssumedSession[];
  refused: { roleArn: string; code: string }[];
}

/**
 * The services the management account's endpoint answers itself: FC 3.0 invocation, STS
 * AssumeRole, Resource Directory ListAccounts(ForParent). False when the request is for none of
 * them (it then goes to the account whose key signed it).
 */
export async function serveFront(
  ctx: FrontContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): Promise<boolean> {
  const fcMatch = FC_PATH.exec(url.pathname);
  if (fcMatch !== null) {
    await serveFcInvocation(ctx, decodeURIComponent(fcMatch[1]!), req, res, url, body);
    return true;
  }
  // The RPC Version: form body (pop-core POST), query (GET) or x-acs-version (ACS3).
  const form = String(req.headers['content-type'] ?? '').startsWith(
    'application/x-www-form-urlencoded',
  )
    ? new URLSearchParams(body.toString('utf8')).get('Version')
    : null;
  const v = form ?? url.searchParams.get('Version') ?? String(req.headers['x-acs-version'] ?? '');
  if (v !== STS_VERSION && v !== RESOURCE_MANAGER_VERSION) return false;
  serveRpc(ctx, v, req, res, url, body);
  return true;
}

/** POST /2023-03-30/functions/{name}/invocations, Sync or Async (x-fc-invocation-type). */
async function serveFcInvocation(
  ctx: FrontContext,
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): Promise<void> {
  try {
    const call = authenticate(req, url, body, {
      credentials: ctx.credentials,
      nonces: ctx.nonces,
      realNow: Date.now,
    });
    ctx.authorize(
      ctx.callerOf(call.accessKeyId),
      'fc:InvokeFunction',
      `acs:fc:${ctx.region}:${ctx.managementAccountId}:functions/${name}`,
    );
    const type = String(req.headers['x-fc-invocation-type'] ?? 'Sync');
    if (type === 'Async') {
      const taskHeader = req.headers['x-fc-async-task-id'];
      const { requestId, taskId } = ctx.fc.enqueue(
        name,
        body,
        typeof taskHeader === 'string' ? taskHeader : undefined,
      );
      res.writeHead(202, {
        'x-fc-request-id': requestId,
        'x-fc-async-task-id': taskId,
        'content-length': '0',
      });
      res.end();
    } else {
      const result = await ctx.fc.invokeSync(name, body);
      sendJson(res, 200, result ?? null);
    }
  } catch (error) {
    const e = error instanceof ApiError ? error : new ApiError(500, 'InternalError', String(error));
    sendJson(res, e.httpStatus, { Code: e.code, Message: e.message, RequestId: '' });
  }
}

/** STS AssumeRole and Resource Directory ListAccounts(ForParent) over RPC. */
function serveRpc(
  ctx: FrontContext,
  version: typeof STS_VERSION | typeof RESOURCE_MANAGER_VERSION,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): void {
  const host = version === STS_VERSION ? 'sts.aliyuncs.com' : 'resourcemanager.aliyuncs.com';
  try {
    const call = authenticate(req, url, body, {
      credentials: ctx.credentials,
      nonces: ctx.nonces,
      realNow: Date.now,
    });
    const caller = ctx.callerOf(call.accessKeyId);
    if (version === STS_VERSION) {
      if (call.action !== 'AssumeRole') throw apiNotFound();
      ctx.authorize(caller, 'sts:AssumeRole', call.params.RoleArn ?? '*');
      try {
        const { result, session } = assumeRole(call.params, caller, ctx);
        ctx.sessions.push(session);
        sendJson(res, 200, { RequestId: randomUUID().toUpperCase(), ...result });
      } catch (error) {
        if (error instanceof ApiError)
          ctx.refused.push({ roleArn: call.params.RoleArn ?? '', code: error.code });
        throw error;
      }
    } else {
      if (call.action !== 'ListAccounts' && call.action !== 'ListAccountsForParent') {
        throw apiNotFound();
      }
      ctx.authorize(caller, `resourcemanager:${call.action}`, '*');
      const result = listAccounts(
        call.action,
        call.params,
        ctx.members,
        `rd-${ctx.managementAccountId.slice(0, 6)}`,
      );
      sendJson(res, 200, { RequestId: randomUUID().toUpperCase(), ...result });
    }
  } catch (error) {
    sendRpcError(res, error, host);
  }
}

function apiNotFound(): ApiError {
  return new ApiError(
    404,
    'InvalidApi.NotFound',
    'Specified api is not found, please check your url and method.',
  );
}
