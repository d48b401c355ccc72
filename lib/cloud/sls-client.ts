import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import SlsClient, { type SlsRequestOptions } from '@alicloud/log';
import type { Credentials } from '../ports.ts';
import { registerSecretValues } from './secret-values.ts';

export interface SlsConnection {
  client: SlsClient;
  /** Per-request options (agent, timeouts) to pass to every client call. */
  requestOptions: SlsRequestOptions;
  /** Values that must never appear in an error message or record. */
  secrets: string[];
}

export interface SlsConnectOptions {
  region: string;
  credentials: Credentials;
  /** DR_REPLICATOR_ENDPOINT, e.g. http://127.0.0.1:PORT: every service goes to one emulator. */
  endpoint?: string;
  /** Read / connect timeout per request; httpx's default is 3 s. */
  timeoutMs?: number;
}

/**
 * @alicloud/log always builds `http(s)://{project}.{endpoint}`, so with an emulator endpoint
 * `127.0.0.1:PORT` the host becomes `proj.127.0.0.1:PORT`, which no resolver knows. The client
 * passes per-call options through to httpx, which accepts an `agent`; we give it an http.Agent
 * whose `lookup` resolves every host to the endpoint's own host. The Host header still says
 * `proj.127.0.0.1:PORT`, which is how the emulator (like SLS) reads the project. No DNS,
 * /etc/hosts or wildcard domain is needed, and the SDK is used unmodified.
 * Without an endpoint: `{region}.log.aliyuncs.com` over https, the SDK's own agent.
 */
export function connectSls(opts: SlsConnectOptions): SlsConnection {
  const { accessKeyId, accessKeySecret, securityToken } = opts.credentials;
  const base = {
    accessKeyId,
    accessKeySecret,
    ...(securityToken === undefined ? {} : { securityToken }),
    userAgent: 'dr-replicator',
  };
  // PutLogs of at most 3 MB answers in well under a second; a hang must not hold the run.
  const timeout = opts.timeoutMs ?? 5_000;
  const secrets = [accessKeySecret, ...(securityToken === undefined ? [] : [securityToken])];
  registerSecretValues(secrets);
  if (opts.endpoint === undefined || opts.endpoint === '') {
    return {
      client: new SlsClient({ ...base, region: opts.region, use_https: true }),
      requestOptions: { timeout },
      secrets,
    };
  }
  const url = new URL(
    /^https?:\/\//.test(opts.endpoint) ? opts.endpoint : `http://${opts.endpoint}`,
  );
  const target = url.hostname.replace(/^\[|\]$/g, '');
  const agentOptions = {
    keepAlive: true,
    lookup: (_hostname: string, options: LookupOptions, callback: LookupCallback) =>
      dnsLookup(target, options, callback as never),
  };
  const agent =
    url.protocol === 'https:' ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  return {
    client: new SlsClient({ ...base, endpoint: `${url.protocol}//${url.host}` }),
    requestOptions: { agent, timeout },
    secrets,
  };
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;
