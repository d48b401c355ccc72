import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminFacade } from './admin/admin-facade.ts';
import { CloudState } from './cloud-state.ts';
import type { World } from './model/types.ts';
import { Persistence } from './persistence.ts';
import { authorizeLog } from './policy/ram-gate.ts';
import { RpcPipeline } from './rpc-pipeline.ts';
import type { SlsAccess, SlsAuthorization } from './sls/access.ts';

export interface CoreOptions {
  stateDir?: string;
  world: 'demo' | 'empty' | World;
  speed: number;
  startTime: Date;
  accountId?: string;
  /** Seed for ids and fault draws; default random. */
  seed?: number;
}

/**
 * The emulated cloud behind the HTTP server, wired from its parts: the cloud state, its
 * persistence (the --state folder), the RPC pipeline and the admin facade.
 */
export class EmulatorCore {
  readonly state: CloudState;
  readonly admin: AdminFacade;
  private readonly persistence: Persistence;
  private readonly rpc: RpcPipeline;

  constructor(opts: CoreOptions) {
    this.state = new CloudState(opts);
    this.persistence = new Persistence(this.state, opts.stateDir);
    if (!this.persistence.load()) {
      this.state.applyWorld(opts.world);
      this.persistence.writeNow();
    }
    this.rpc = new RpcPipeline(this.state, this.persistence);
    this.admin = new AdminFacade(this.state, this.persistence, opts.world);
  }

  handleRpc(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    return this.rpc.handle(req, res, url, body);
  }

  /** RAM for the Log Service on this account (the SLS part asks before each call). */
  authorizeLog(access: SlsAccess): SlsAuthorization {
    this.persistence.refresh();
    return authorizeLog(this.state.ramPolicy, this.state.model, access);
  }

  /** Cuts held connections and writes pending state; the server closes itself. */
  shutdown(): void {
    this.rpc.shutdown();
    this.persistence.flush();
  }
}
