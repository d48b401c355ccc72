import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { regionOfHost, type SlsAccess, SlsAction, type SlsAuthorizer } from './access.ts';
import { decompressBody } from './compression.ts';
import { SlsApiError, SlsErrors } from './errors.ts';
import { decodeLogGroup } from './proto.ts';
import { compileQuery } from './query.ts';
import { verifySignature } from './signature.ts';
import { type SlsLog, SlsStore } from './store.ts';

export type { SlsAccess, SlsAuthorization, SlsAuthorizer } from './access.ts';
export type { SlsLog } from './store.ts';

/** PutLogs limits of the real service. */
export const SlsLimits = {
  maxLogsPerPut: 4096,
  maxRawBytesPerPut: 3 * 1024 * 1024,
  maxLinesPerGet: 100,
  /** Accepted log times: [now − 7 days, now + 15 minutes]. */
  maxPastSeconds: 7 * 24 * 3600,
  maxFutureSeconds: 15 * 60,
} as const;

const ADMIN_PREFIX = '/_emulator/sls/';
/** Content keys the service owns; a log may not carry them. */
const RESERVED_KEYS = new Set(['__time__', '__source__', '__topic__', '__partition_time__']);
const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export interface SlsServiceOptions {
  /** Folder for persisted state; none = memory only. */
  stateDir?: string;
  /** Secret of an AccessKey id, or undefined when the key is unknown. */
  lookupSecret(accessKeyId: string): string | undefined;
  /** Server time for receive times and the accepted log-time window (the Date-header skew is checked against the wall clock, which is what clients sign with). */
  now?: () => Date;
  /** RAM for SLS calls (the emulator's policy); absent = every signed call is allowed. */
  authorize?: SlsAuthorizer;
}

interface Fault {
  errorCode: string;
  httpStatus: number;
  remaining: number;
}

/**
 * The Log Service part of the emulator: PutLogs (protobuf LogGroup, optional lz4/deflate),
 * GetLogs (with the search syntax in query.ts), Create/Get/ListLogStore, over the real REST
 * protocol and `LOG` signature, so @alicloud/log talks to it unchanged. The project comes from
 * the Host header (`{project}.{endpoint}`).
 *
 * Any project and logstore is accepted by default and created on first write (a rehearsal
 * convenience the real service does not offer). POST /_emulator/sls/strict {"enabled": true}
 * makes it behave like the cloud: ProjectNotExist / LogStoreNotExist unless pre-created with
 * POST /_emulator/sls/projects {"project", "logstores": [...]} or CreateLogStore.
 *
 * Other admin routes (no signature): POST /_emulator/sls/faults {"errorCode", "httpStatus",
 * "count"} fails the next `count` API calls; POST /_emulator/sls/reset; GET
 * /_emulator/sls/logs?project=&logstore=&from=&to=&query= (times in seconds).
 */
export class SlsService {
  private readonly store: SlsStore;
  private readonly lookupSecret: (accessKeyId: string) => string | undefined;
  private readonly now: () => Date;
  private readonly authorize: SlsAuthorizer | undefined;
  private faults: Fault[] = [];

  constructor(opts: SlsServiceOptions) {
    this.store = new SlsStore(opts.stateDir);
    this.lookupSecret = opts.lookupSecret;
    this.now = opts.now ?? (() => new Date());
    this.authorize = opts.authorize;
  }

  isSlsRequest(req: IncomingMessage): boolean {
    const path = pathOf(req);
    return path === '/logstores' || path.startsWith('/logstores/') || path.startsWith(ADMIN_PREFIX);
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const requestId = randomBytes(12).toString('hex').toUpperCase();
    res.setHeader('x-log-requestid', requestId);
    try {
      const url = new URL(req.url ?? '/', 'http://sls.invalid');
      if (url.pathname.startsWith(ADMIN_PREFIX)) {
        this.handleAdmin(req.method ?? 'GET', url, body, res);
        return;
      }
      this.injectFault();
      this.handleApi(req, url, body, res);
    } catch (error) {
      const e =
        error instanceof SlsApiError
          ? error
          : SlsErrors.internal(error instanceof Error ? error.message : String(error));
      sendJson(res, e.status, { errorCode: e.errorCode, errorMessage: e.message });
    }
  }

  reset(): void {
    this.store.reset();
    this.faults = [];
  }

  async flush(): Promise<void> {
    this.store.flush();
  }

  /** Direct read for tests / admin: from ≤ time < to (seconds), oldest first. */
  query(
    project: string,
    logstore: string,
    opts: { from: number; to: number; query?: string },
  ): SlsLog[] {
    const matches = compileQuery(opts.query);
    return this.store
      .range(project, logstore, opts.from, opts.to)
      .filter((log) => matches(fieldsOf(log)));
  }

  private handleApi(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const project = projectOf(req);
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
    verifySignature({ method, path: url.pathname, query, headers: req.headers, body }, (ak) =>
      this.lookupSecret(ak),
    );
    const segments = url.pathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
    const logstore = segments[1];
    const allow = (action: SlsAction, store: string) =>
      this.requireAccess({ action, region: regionOfHost(req), project, logstore: store });

    if (logstore === undefined) {
      if (method === 'GET') {
        allow(SlsAction.ListLogStores, '*');
        this.listLogstores(project, res);
        return;
      }
      if (method === 'POST') {
        this.createLogstore(project, body, res, allow);
        return;
      }
    } else if (segments.length === 2 && method === 'GET') {
      if (query.type === 'log') {
        allow(SlsAction.GetLogStoreLogs, logstore);
        this.getLogs(project, logstore, query, res);
        return;
      }
      if (query.type === 'histogram') {
        allow(SlsAction.GetLogStoreHistogram, logstore);
        this.getHistograms(project, logstore, query, res);
        return;
      }
      allow(SlsAction.GetLogStore, logstore);
      this.getLogstore(project, logstore, res);
      return;
    } else if (segments.length === 4 && segments[2] === 'shards' && method === 'POST') {
      allow(SlsAction.PostLogStoreLogs, logstore);
      this.putLogs(req, project, logstore, body, res);
      return;
    }
    throw SlsErrors.methodNotAllowed(method, url.pathname);
  }

  private putLogs(
    req: IncomingMessage,
    project: string,
    logstore: string,
    body: Buffer,
    res: ServerResponse,
  ): void {
    const contentType = headerOf(req, 'content-type') ?? '';
    if (contentType !== 'application/x-protobuf') throw SlsErrors.invalidContentType(contentType);
    const raw = decompressBody(
      body,
      headerOf(req, 'x-log-compresstype'),
      headerOf(req, 'x-log-bodyrawsize'),
    );
    if (raw.length > SlsLimits.maxRawBytesPerPut) throw SlsErrors.postBodyTooLarge();
    let group: ReturnType<typeof decodeLogGroup>;
    try {
      group = decodeLogGroup(raw);
    } catch {
      throw SlsErrors.postBodyInvalid();
    }
    if (group.Logs.length > SlsLimits.maxLogsPerPut) throw SlsErrors.postBodyTooLarge();
    this.requireLogstore(project, logstore, true);

    const now = Math.floor(this.now().getTime() / 1000);
    const tags: Record<string, string> = {};
    for (const tag of group.LogTags) tags[tag.Key] = tag.Value;
    tags.__receive_time__ = String(now);
    const source = group.Source ?? remoteAddress(req);
    const entries = group.Logs.map((log) => {
      if (!Number.isInteger(log.Time) || log.Time <= 0) throw SlsErrors.invalidTimestamp();
      if (
        log.Time < now - SlsLimits.maxPastSeconds ||
        log.Time > now + SlsLimits.maxFutureSeconds
      ) {
        throw SlsErrors.timeOutOfRange();
      }
      const contents: Record<string, string> = {};
      for (const { Key, Value } of log.Contents) {
        if (Key === '' || Key.length > 128 || RESERVED_KEYS.has(Key))
          throw SlsErrors.invalidKey(Key);
        contents[Key] = Value;
      }
      const entry: Omit<SlsLog, 'seq'> = {
        time: log.Time,
        topic: group.Topic ?? '',
        source,
        tags,
        contents,
      };
      if (log.TimeNs !== undefined) entry.timeNs = log.TimeNs;
      return entry;
    });
    this.store.append(project, logstore, entries);
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  }

  private getLogs(
    project: string,
    logstore: string,
    query: Record<string, string>,
    res: ServerResponse,
  ): void {
    const { from, to } = timeRange(query);
    const line = intParam(query, 'line', 100, 0, SlsLimits.maxLinesPerGet);
    const offset = intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const reverse = query.reverse === 'true';
    this.requireLogstore(project, logstore, false);
    const matches = compileQuery(query.query);
    const topic = query.topic;
    let logs = this.store
      .range(project, logstore, from, to)
      .filter((log) => topic === undefined || topic === '' || log.topic === topic)
      .filter((log) => matches(fieldsOf(log)));
    const total = logs.length;
    if (reverse) logs = logs.reverse();
    const page = logs.slice(offset, offset + line).map(toGetLogsShape);
    sendJson(res, 200, page, {
      'x-log-progress': 'Complete',
      'x-log-count': String(page.length),
      'x-log-processed-rows': String(total),
      'x-log-has-sql': 'False',
    });
  }

  private getHistograms(
    project: string,
    logstore: string,
    query: Record<string, string>,
    res: ServerResponse,
  ): void {
    const { from, to } = timeRange(query);
    this.requireLogstore(project, logstore, false);
    const count = this.query(project, logstore, {
      from,
      to,
      ...(query.query === undefined ? {} : { query: query.query }),
    }).length;
    sendJson(res, 200, [{ from, to, count, progress: 'Complete' }], {
      'x-log-progress': 'Complete',
      'x-log-count': String(count),
    });
  }

  private getLogstore(project: string, logstore: string, res: ServerResponse): void {
    this.requireLogstore(project, logstore, false);
    const created = this.store.logstores(project)[logstore] ?? 0;
    sendJson(res, 200, {
      logstoreName: logstore,
      ttl: 30,
      shardCount: 2,
      createTime: created,
      lastModifyTime: created,
    });
  }

  private listLogstores(project: string, res: ServerResponse): void {
    if (this.store.strict && !this.store.hasProject(project)) {
      throw SlsErrors.projectNotExist(project);
    }
    const logstores = Object.keys(this.store.logstores(project)).sort();
    sendJson(res, 200, { count: logstores.length, total: logstores.length, logstores });
  }

  private createLogstore(
    project: string,
    body: Buffer,
    res: ServerResponse,
    allow: (action: SlsAction, logstore: string) => void,
  ): void {
    const name = parseJsonObject(body).logstoreName;
    if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/.test(name)) {
      throw SlsErrors.parameterInvalid('logstoreName is invalid');
    }
    allow(SlsAction.CreateLogStore, name);
    if (this.store.strict && !this.store.hasProject(project)) {
      throw SlsErrors.projectNotExist(project);
    }
    if (this.store.hasLogstore(project, name)) throw SlsErrors.logStoreAlreadyExist(name);
    this.store.createLogstore(project, name, Math.floor(this.now().getTime() / 1000));
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  }

  /** RAM, after the signature and before the project or logstore is looked at, as SLS does. */
  private requireAccess(access: SlsAccess): void {
    if (this.authorize === undefined) return;
    const { allowed, resource } = this.authorize(access);
    if (!allowed) throw SlsErrors.deniedByRam(access.action, resource);
  }

  /** Strict: the cloud's answers. Lenient: writes create, reads of unknown stores find nothing. */
  private requireLogstore(project: string, logstore: string, forWrite: boolean): void {
    if (this.store.hasLogstore(project, logstore)) return;
    if (this.store.strict) {
      if (!this.store.hasProject(project)) throw SlsErrors.projectNotExist(project);
      throw SlsErrors.logStoreNotExist(logstore);
    }
    if (forWrite) {
      this.store.createLogstore(project, logstore, Math.floor(this.now().getTime() / 1000));
    }
  }

  private injectFault(): void {
    const fault = this.faults[0];
    if (fault === undefined) return;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.shift();
    throw new SlsApiError(fault.httpStatus, fault.errorCode, `injected fault: ${fault.errorCode}`);
  }

  private handleAdmin(method: string, url: URL, body: Buffer, res: ServerResponse): void {
    const action = url.pathname.slice(ADMIN_PREFIX.length);
    if (method === 'POST' && action === 'strict') {
      const enabled = parseJsonObject(body).enabled;
      if (typeof enabled !== 'boolean') throw SlsErrors.parameterInvalid('enabled must be boolean');
      this.store.setStrict(enabled);
      sendJson(res, 200, { strict: enabled });
      return;
    }
    if (method === 'POST' && action === 'projects') {
      const { project, logstores } = parseJsonObject(body);
      if (typeof project !== 'string' || !PROJECT_NAME.test(project)) {
        throw SlsErrors.parameterInvalid('project must be 3-63 of [a-z0-9-]');
      }
      const names = Array.isArray(logstores) ? logstores.map(String) : [];
      this.store.createProject(project);
      const now = Math.floor(this.now().getTime() / 1000);
      for (const name of names) this.store.createLogstore(project, name, now);
      sendJson(res, 200, { project, logstores: names });
      return;
    }
    if (method === 'POST' && action === 'faults') {
      const { errorCode, httpStatus, count } = parseJsonObject(body);
      if (typeof errorCode !== 'string' || typeof httpStatus !== 'number') {
        throw SlsErrors.parameterInvalid('errorCode (string) and httpStatus (number) are required');
      }
      const remaining = typeof count === 'number' && count > 0 ? Math.floor(count) : 1;
      this.faults.push({ errorCode, httpStatus, remaining });
      sendJson(res, 200, { errorCode, httpStatus, count: remaining });
      return;
    }
    if (method === 'POST' && action === 'reset') {
      this.reset();
      sendJson(res, 200, {});
      return;
    }
    if (method === 'GET' && action === 'logs') {
      const params = Object.fromEntries(url.searchParams);
      const { from, to } = timeRange(params);
      const logs = this.query(params.project ?? '', params.logstore ?? '', {
        from,
        to,
        ...(params.query === undefined ? {} : { query: params.query }),
      });
      sendJson(res, 200, logs);
      return;
    }
    throw SlsErrors.methodNotAllowed(method, url.pathname);
  }
}

/** Flattens a log the way search sees it: contents, topic, source and `__tag__:` fields. */
function fieldsOf(log: SlsLog): Record<string, string> {
  const fields: Record<string, string> = {
    __topic__: log.topic,
    __source__: log.source,
  };
  for (const [k, v] of Object.entries(log.tags)) fields[`__tag__:${k}`] = v;
  return Object.assign(fields, log.contents);
}

/** GetLogs body item: `__time__` (number, seconds), meta fields, tags and contents. */
function toGetLogsShape(log: SlsLog): Record<string, string | number> {
  return { __time__: log.time, ...fieldsOf(log) };
}

function timeRange(query: Record<string, string | undefined>): { from: number; to: number } {
  const from = Number(query.from);
  const to = Number(query.to);
  if (query.from === undefined || query.to === undefined || !Number.isInteger(from)) {
    throw SlsErrors.parameterInvalid('from and to (unix seconds) are required');
  }
  if (!Number.isInteger(to) || to < from) {
    throw SlsErrors.parameterInvalid('to must be an integer not before from');
  }
  return { from, to };
}

function intParam(
  query: Record<string, string>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw SlsErrors.parameterInvalid(`${name} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

function projectOf(req: IncomingMessage): string {
  const host = headerOf(req, 'host') ?? '';
  const hostname = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const dot = hostname.indexOf('.');
  const project = dot > 0 ? hostname.slice(0, dot) : '';
  if (isIP(hostname) !== 0 || !PROJECT_NAME.test(project)) throw SlsErrors.invalidHost(host);
  return project;
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function remoteAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through
  }
  throw new SlsApiError(400, 'PostBodyInvalid', 'The request body is not valid JSON object.');
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
