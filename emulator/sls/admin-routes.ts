import type { ServerResponse } from 'node:http';
import { searchLogs } from './api.ts';
import { SlsErrors } from './errors.ts';
import type { SlsFaultQueue } from './fault-queue.ts';
import { PROJECT_NAME, parseJsonObject, sendJson, timeRange } from './http.ts';
import type { SlsStore } from './store.ts';

export const SLS_ADMIN_PREFIX = '/_emulator/sls/';

/** What the admin routes act on. */
export interface SlsAdminTarget {
  store: SlsStore;
  faults: SlsFaultQueue;
  now(): Date;
  reset(): void;
}

/**
 * /_emulator/sls/... (no signature): strict mode, pre-created projects, injected faults,
 * reset, and a direct log read. Bad input throws an SlsApiError like the API does.
 */
export function handleSlsAdmin(
  target: SlsAdminTarget,
  method: string,
  url: URL,
  body: Buffer,
  res: ServerResponse,
): void {
  const { store } = target;
  const action = url.pathname.slice(SLS_ADMIN_PREFIX.length);
  if (method === 'POST' && action === 'strict') {
    const enabled = parseJsonObject(body).enabled;
    if (typeof enabled !== 'boolean') throw SlsErrors.parameterInvalid('enabled must be boolean');
    store.setStrict(enabled);
    sendJson(res, 200, { strict: enabled });
    return;
  }
  if (method === 'POST' && action === 'projects') {
    const { project, logstores } = parseJsonObject(body);
    if (typeof project !== 'string' || !PROJECT_NAME.test(project)) {
      throw SlsErrors.parameterInvalid('project must be 3-63 of [a-z0-9-]');
    }
    const names = Array.isArray(logstores) ? logstores.map(String) : [];
    store.createProject(project);
    const now = Math.floor(target.now().getTime() / 1000);
    for (const name of names) store.createLogstore(project, name, now);
    sendJson(res, 200, { project, logstores: names });
    return;
  }
  if (method === 'POST' && action === 'faults') {
    const { errorCode, httpStatus, count } = parseJsonObject(body);
    if (typeof errorCode !== 'string' || typeof httpStatus !== 'number') {
      throw SlsErrors.parameterInvalid('errorCode (string) and httpStatus (number) are required');
    }
    const remaining = target.faults.add(errorCode, httpStatus, count);
    sendJson(res, 200, { errorCode, httpStatus, count: remaining });
    return;
  }
  if (method === 'POST' && action === 'reset') {
    target.reset();
    sendJson(res, 200, {});
    return;
  }
  if (method === 'GET' && action === 'logs') {
    const params = Object.fromEntries(url.searchParams);
    const { from, to } = timeRange(params);
    const logs = searchLogs(target.store, params.project ?? '', params.logstore ?? '', {
      from,
      to,
      ...(params.query === undefined ? {} : { query: params.query }),
    });
    sendJson(res, 200, logs);
    return;
  }
  throw SlsErrors.methodNotAllowed(method, url.pathname);
}
