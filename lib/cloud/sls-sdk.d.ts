/** The part of @alicloud/log (CommonJS, untyped) the SLS adapter uses. */
declare module '@alicloud/log' {
  import type { Agent } from 'node:http';

  export interface SlsClientConfig {
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
    region?: string;
    /** `host[:port]`, or with an http:// / https:// scheme. */
    endpoint?: string;
    use_https?: boolean;
    userAgent?: string;
  }

  /** Passed through to httpx.request. */
  export interface SlsRequestOptions {
    agent?: Agent;
    timeout?: number;
    readTimeout?: number;
    connectTimeout?: number;
  }

  export interface SlsPutLogsData {
    logs: { timestamp: number; timestampNsPart?: number; content: Record<string, string> }[];
    topic?: string;
    source?: string;
    tags?: Record<string, string>[];
  }

  export interface SlsGetLogsData {
    query?: string;
    line?: number;
    offset?: number;
    reverse?: boolean;
    topic?: string;
  }

  export default class Client {
    constructor(config: SlsClientConfig);
    postLogStoreLogs(
      project: string,
      logstore: string,
      data: SlsPutLogsData,
      options?: SlsRequestOptions,
    ): Promise<unknown>;
    getLogs(
      project: string,
      logstore: string,
      from: Date,
      to: Date,
      data?: SlsGetLogsData,
      options?: SlsRequestOptions,
    ): Promise<unknown>;
  }
}
