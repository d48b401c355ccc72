import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SlsAuthorizer } from './access.ts';
import { handleSlsAdmin, SLS_ADMIN_PREFIX, type SlsAdminTarget } from './admin-routes.ts';
import { SlsApi, searchLogs } from './api.ts';
import { SlsApiError, SlsErrors } from './errors.ts';
import { SlsFaultQueue } from './fault-queue.ts';
import { pathOf, sendJson } from './http.ts';
import { type SlsLog, SlsStore } from './store.ts';

export type { SlsAccess, SlsAuthorization, SlsAuthorizer } from './access.ts';
export type { SlsLog } from './store.ts';

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

/**
 * The Log Service part of the emulator, wired from its parts: the signed REST API (api.ts),
 * the admin routes under /_emulator/sls/ (admin-routes.ts), injected faults (fault-queue.ts)
 * and the logs (store.ts). The project comes from the Host header (`{project}.{endpoint}`);
 * see README.md here for routes, strict mode and state.
 */
export class SlsService {
  private readonly store: SlsStore;
  private readonly faults = new SlsFaultQueue();
  private readonly api: SlsApi;
  private readonly admin: SlsAdminTarget;

  constructor(opts: SlsServiceOptions) {
    this.store = new SlsStore(opts.stateDir);
    const now = opts.now ?? (() => new Date());
    this.api = new SlsApi({
      store: this.store,
      lookupSecret: opts.lookupSecret,
      now,
      authorize: opts.authorize,
    });
    this.admin = {
      store: this.store,
      faults: this.faults,
      now,
      reset: () => this.reset(),
    };
  }

  isSlsRequest(req: IncomingMessage): boolean {
    const path = pathOf(req);
    return (
      path === '/logstores' || path.startsWith('/logstores/') || path.startsWith(SLS_ADMIN_PREFIX)
    );
  }

  async handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const requestId = randomBytes(12).toString('hex').toUpperCase();
    res.setHeader('x-log-requestid', requestId);
    try {
      const url = new URL(req.url ?? '/', 'http://sls.invalid');
      if (url.pathname.startsWith(SLS_ADMIN_PREFIX)) {
        handleSlsAdmin(this.admin, req.method ?? 'GET', url, body, res);
        return;
      }
      this.faults.inject();
      this.api.handle(req, url, body, res);
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
    this.faults.clear();
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
    return searchLogs(this.store, project, logstore, opts);
  }
}
