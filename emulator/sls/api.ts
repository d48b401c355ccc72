import type { IncomingMessage, ServerResponse } from 'node:http';
import { regionOfHost, type SlsAccess, SlsAction, type SlsAuthorizer } from './access.ts';
import { decompressBody } from './compression.ts';
import { SlsErrors } from './errors.ts';
import {
  headerOf,
  parseJsonObject,
  projectOf,
  remoteAddress,
  sendJson,
  timeRange,
} from './http.ts';
import { decodeLogGroup } from './proto.ts';
import { compileQuery } from './query.ts';
import { verifySignature } from './signature.ts';
import type { SlsLog, SlsStore } from './store.ts';

/** PutLogs limits of the real service. */
export const SlsLimits = {
  maxLogsPerPut: 4096,
  maxRawBytesPerPut: 3 * 1024 * 1024,
  maxLinesPerGet: 100,
  /** Accepted log times: [now − 7 days, now + 15 minutes]. */
  maxPastSeconds: 7 * 24 * 3600,
  maxFutureSeconds: 15 * 60,
} as const;

/** Content keys the service owns; a log may not carry them. */
const RESERVED_KEYS = new Set(['__time__', '__source__', '__topic__', '__partition_time__']);

export interface SlsApiOptions {
  store: SlsStore;
  /** Secret of an AccessKey id, or undefined when the key is unknown. */
  lookupSecret(accessKeyId: string): string | undefined;
  /** Server time for receive times and the accepted log-time window. */
  now(): Date;
  /** RAM for SLS calls; absent = every signed call is allowed. */
  authorize: SlsAuthorizer | undefined;
}

/**
 * The signed SLS REST API: signature → route → RAM → project/logstore → the call. PutLogs
 * (protobuf LogGroup, optional lz4/deflate), GetLogs and GetHistograms (search syntax in
 * query.ts), Create/Get/ListLogStore.
 */
export class SlsApi {
  constructor(private readonly opts: SlsApiOptions) {}

  handle(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const project = projectOf(req);
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
    verifySignature({ method, path: url.pathname, query, headers: req.headers, body }, (ak) =>
      this.opts.lookupSecret(ak),
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

  private get store(): SlsStore {
    return this.opts.store;
  }

  private nowSeconds(): number {
    return Math.floor(this.opts.now().getTime() / 1000);
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

    const now = this.nowSeconds();
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
    let logs = searchLogs(this.store, project, logstore, {
      from,
      to,
      ...(query.topic !== undefined && { topic: query.topic }),
      ...(query.query !== undefined && { query: query.query }),
    });
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
    const count = searchLogs(this.store, project, logstore, {
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
    this.store.createLogstore(project, name, this.nowSeconds());
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  }

  /** RAM, after the signature and before the project or logstore is looked at, as SLS does. */
  private requireAccess(access: SlsAccess): void {
    if (this.opts.authorize === undefined) return;
    const { allowed, resource } = this.opts.authorize(access);
    if (!allowed) throw SlsErrors.deniedByRam(access.action, resource);
  }

  /** Strict: the cloud's answers. Lenient: writes create, reads of unknown stores find nothing. */
  private requireLogstore(project: string, logstore: string, forWrite: boolean): void {
    if (this.store.hasLogstore(project, logstore)) return;
    if (this.store.strict) {
      if (!this.store.hasProject(project)) throw SlsErrors.projectNotExist(project);
      throw SlsErrors.logStoreNotExist(logstore);
    }
    if (forWrite) this.store.createLogstore(project, logstore, this.nowSeconds());
  }
}

/**
 * Logs with from ≤ time < to (seconds), of `topic` when one is given (empty: any), that match
 * the search, oldest first.
 */
export function searchLogs(
  store: SlsStore,
  project: string,
  logstore: string,
  opts: { from: number; to: number; query?: string; topic?: string },
): SlsLog[] {
  const matches = compileQuery(opts.query);
  const { topic } = opts;
  return store
    .range(project, logstore, opts.from, opts.to)
    .filter((log) => !topic || log.topic === topic)
    .filter((log) => matches(fieldsOf(log)));
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
