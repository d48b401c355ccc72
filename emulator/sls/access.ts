import type { IncomingMessage } from 'node:http';

/** The RAM action of each SLS API the emulator serves (resource: a logstore of a project). */
export const SlsAction = {
  PostLogStoreLogs: 'log:PostLogStoreLogs',
  GetLogStoreLogs: 'log:GetLogStoreLogs',
  GetLogStoreHistogram: 'log:GetLogStoreHistogram',
  GetLogStore: 'log:GetLogStore',
  ListLogStores: 'log:ListLogStores',
  CreateLogStore: 'log:CreateLogStore',
} as const;
export type SlsAction = (typeof SlsAction)[keyof typeof SlsAction];

/** One SLS call as RAM sees it; `logstore` is `*` for calls on the whole project. */
export interface SlsAccess {
  action: SlsAction;
  /** From the Host header (`{project}.{region}.log.aliyuncs.com`); undefined when it names none. */
  region: string | undefined;
  project: string;
  logstore: string;
}

export interface SlsAuthorization {
  allowed: boolean;
  /** The resource name RAM evaluated, for the error message. */
  resource: string;
}

/** Decides an SLS call against the RAM policy; absent = no policy, everything allowed. */
export type SlsAuthorizer = (access: SlsAccess) => SlsAuthorization;

// `{project}.{region}.log.aliyuncs.com`, also `{region}-intranet` / `{region}-share` endpoints.
const REGIONAL_HOST = /^[^.]+\.([a-z]+(?:-[a-z0-9]+)+?)(?:-intranet|-share)?\.log\./;

/**
 * The region a client addressed, when its host says so. The emulator's own endpoint
 * (`{project}.127.0.0.1:PORT`) names none: the caller then matches statements of any region.
 */
export function regionOfHost(req: IncomingMessage): string | undefined {
  const raw = req.headers.host;
  const host = (Array.isArray(raw) ? raw[0] : raw) ?? '';
  return REGIONAL_HOST.exec(host.toLowerCase())?.[1];
}
