import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkAcceptedParams } from './actions/accepted-params.ts';
import { logstoreArn } from './actions/arn.ts';
import type { ActionContext } from './actions/context.ts';
import { Product, SERVICES } from './actions/registry.ts';
import type { EmulatorAdmin } from './admin/admin-api.ts';
import { type CallFilter, CallLog, type CallLogEntry, redactParams } from './call-log.ts';
import { VirtualClock } from './clock.ts';
import { CloudModel, progressAt } from './model/cloud-model.ts';
import { seededRandom } from './model/ids.ts';
import type {
  ClientTokenRecord,
  DiskRecord,
  KmsKeyRecord,
  RegionRecord,
  SnapshotRecord,
} from './model/records.ts';
import {
  type AccountFlags,
  type CopyModel,
  DEFAULT_COPY_MODEL,
  type KeyState,
  type World,
  type WorldInstance,
} from './model/types.ts';
import {
  copyFailureRate,
  decideFault,
  type FaultSettings,
  latencyFor,
  restoreFailureRate,
  validateFaults,
} from './policy/faults.ts';
import { isAllowed, parseRamPolicy, type RamPolicy } from './policy/ram-policy.ts';
import { type ThrottleRule, Throttler, type ThrottleStats } from './policy/throttle.ts';
import { ApiError, apiError } from './protocol/api-error.ts';
import {
  authenticate,
  formParams,
  type RpcCall,
  TIMESTAMP_WINDOW_MS,
} from './protocol/authenticate.ts';
import { CredentialStore, type StsCredentials } from './protocol/credentials.ts';
import { regionOfRpcHost } from './protocol/host-region.ts';
import { NonceCache } from './protocol/nonce-cache.ts';
import { isAcs3, ResponseFormat, responseFormat } from './protocol/response-format.ts';
import { toXml } from './protocol/xml.ts';
import type { SlsAccess, SlsAuthorization } from './sls/access.ts';
import { StateStore } from './state-store.ts';
import { demoWorld, emptyWorld } from './world.ts';

/** How long a "timeout after accept" fault holds the connection before cutting it (real ms). */
const HOLD_MS = 120_000;

interface PersistedState {
  version: 1;
  clock: { virtualMs: number; realMs: number; speed: number };
  model: {
    accountId: string;
    account: AccountFlags;
    copy: CopyModel;
    regions: RegionRecord[];
    instances: WorldInstance[];
    disks: DiskRecord[];
    kmsKeys: KmsKeyRecord[];
    snapshots: SnapshotRecord[];
    clientTokens: [string, ClientTokenRecord][];
  };
  settings: {
    faults: FaultSettings;
    throttles: Record<string, ThrottleRule>;
    ramPolicy: RamPolicy | null;
  };
  sts: ReturnType<CredentialStore['exportSts']>;
}

export interface CoreOptions {
  stateDir?: string;
  world: 'demo' | 'empty' | World;
  speed: number;
  startTime: Date;
  accountId?: string;
  /** Seed for ids and fault draws; default random. */
  seed?: number;
}

function resolveWorld(world: 'demo' | 'empty' | World, now: Date): World {
  if (world === 'demo') return demoWorld(now);
  if (world === 'empty') return emptyWorld();
  return world;
}

/**
 * The emulated cloud behind the HTTP server: authenticates RPC calls, applies faults,
 * throttles and the RAM policy, runs the action against the model on the virtual clock,
 * logs the call and persists the result.
 */
export class EmulatorCore implements EmulatorAdmin {
  readonly model = new CloudModel();
  readonly clock: VirtualClock;
  readonly credentials = new CredentialStore();
  private readonly nonces = new NonceCache(TIMESTAMP_WINDOW_MS);
  private readonly throttler = new Throttler();
  private readonly log = new CallLog();
  private faults: FaultSettings = {};
  private ramPolicy: RamPolicy | null = null;
  /** The startup world: what reset() returns to. */
  private readonly baseWorld: 'demo' | 'empty' | World;
  private readonly store: StateStore<PersistedState> | undefined;
  private readonly random: () => number;
  private readonly held = new Set<ServerResponse>();

  constructor(private readonly opts: CoreOptions) {
    this.clock = new VirtualClock(opts.startTime.getTime(), opts.speed);
    this.baseWorld = opts.world;
    this.random = opts.seed === undefined ? Math.random : seededRandom(opts.seed);
    if (opts.stateDir !== undefined) {
      this.store = new StateStore(
        opts.stateDir,
        () => this.serialize(),
        (s) => this.deserialize(s),
      );
    }
    if (this.store?.load() !== true) {
      this.applyWorld(resolveWorld(opts.world, new Date(this.clock.now())));
      this.store?.writeNow();
    }
  }

  // ---- RPC --------------------------------------------------------------------------------

  async handleRpc(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    body: Buffer,
  ): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID().toUpperCase();
    let call: RpcCall | undefined;
    let region: string | undefined;
    let product: Product = Product.Ecs;
    // Decided before authentication so that every answer, errors included, has the asked format.
    const format = responseFormat(
      formParams(req, body).Format ?? url.searchParams.get('Format') ?? undefined,
      isAcs3(req),
    );
    const finish = (code: string, httpStatus: number) => {
      const entry: CallLogEntry = {
        time: new Date(this.clock.now()).toISOString(),
        action:
          call?.action ??
          url.searchParams.get('Action') ??
          String(req.headers['x-acs-action'] ?? ''),
        region,
        params: redactParams(call?.params ?? {}),
        code,
        httpStatus,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        requestId,
        signature: call?.signatureKind ?? 'none',
      };
      this.log.add(entry);
    };
    try {
      this.store?.refreshIfChanged();
      call = authenticate(req, url, body, {
        credentials: this.credentials,
        nonces: this.nonces,
        realNow: Date.now,
      });
      region = call.params.RegionId;
      const service = SERVICES[call.version];
      if (service === undefined) throw apiError('InvalidVersion');
      product = service.product;
      // Clients that route by endpoint leave RegionId out: the host they addressed names it.
      const hostRegion = region === undefined ? regionOfRpcHost(req, product) : undefined;
      const params =
        hostRegion === undefined ? call.params : { ...call.params, RegionId: hostRegion };
      region = params.RegionId;
      const spec = service.actions[call.action];
      if (spec === undefined) throw apiError('InvalidApi.NotFound');
      checkAcceptedParams(call.action, call.params);

      const fault = decideFault(this.faults, call.action, this.random);
      const latency = latencyFor(this.faults, call.action, this.random);
      if (latency > 0) await sleep(latency);
      if (fault === 'drop') {
        finish('ConnectionDropped', 0);
        req.socket.destroy();
        return;
      }
      if (fault === 'internal-error') throw apiError('InternalError');
      if (fault === 'service-unavailable') throw apiError('ServiceUnavailable');

      const now = this.clock.now();
      if (!this.throttler.take(call.action, region, now, this.random)) {
        throw apiError('Throttling.User');
      }
      // Progress, completion and retention expiry follow from the stored records and the clock:
      // every process recomputes them, so they are not written. Writing them made a mere read
      // overwrite another process's new copies (last writer wins).
      this.model.settle(now);
      const ctx: ActionContext = {
        model: this.model,
        now,
        params,
        requestId,
        region,
        random: this.random,
        authorize: (action, resource, resourceTags) => {
          const context = resourceTags === undefined ? {} : { resourceTags };
          if (this.ramPolicy !== null && !isAllowed(this.ramPolicy, action, resource, context)) {
            throw apiError('Forbidden.RAM', `Action: ${action}, Resource: ${resource}`);
          }
        },
        copyFailureRate: copyFailureRate(this.faults, call.action),
        restoreFailureRate: restoreFailureRate(this.faults, call.action),
      };
      const result = spec.handle(ctx);
      region = ctx.region;
      if (spec.mutates) this.store?.markDirty();
      if (fault === 'timeout-after-accept') {
        finish('NoResponse', 0);
        this.hold(res);
        return;
      }
      this.send(res, 200, format, `${call.action}Response`, { RequestId: requestId, ...result });
      finish('OK', 200);
    } catch (error) {
      const e =
        error instanceof ApiError
          ? error
          : new ApiError(
              500,
              'InternalError',
              'The request processing has failed due to some unknown error.',
              {
                cause: error,
              },
            );
      if (!(error instanceof ApiError)) console.error('emulator: unexpected error', error);
      const host =
        region === undefined ? `${product}.aliyuncs.com` : `${product}.${region}.aliyuncs.com`;
      this.send(res, e.httpStatus, format, 'Error', {
        RequestId: requestId,
        HostId: host,
        Code: e.code,
        Message: e.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(e.code)}&product=${product === Product.Kms ? 'Kms' : 'Ecs'}&requestId=${requestId}`,
        ...(product === Product.Kms && { HttpStatus: e.httpStatus }),
      });
      finish(e.code, e.httpStatus);
    }
  }

  /**
   * RAM for the Log Service on this account. A host that names no region (the emulator's own
   * endpoint) is granted when a statement grants the logstore in any region of the world.
   */
  authorizeLog(access: SlsAccess): SlsAuthorization {
    this.store?.refreshIfChanged();
    const account = this.model.accountId;
    const arn = (region: string) => logstoreArn(region, account, access.project, access.logstore);
    const resource = arn(access.region ?? '*');
    const policy = this.ramPolicy;
    if (policy === null) return { allowed: true, resource };
    const regions = access.region === undefined ? [...this.model.regions.keys()] : [access.region];
    return {
      allowed: regions.some((region) => isAllowed(policy, access.action, arn(region))),
      resource,
    };
  }

  /** Writes a success body (root `{Action}Response`) or an error (root `Error`) as JSON or XML. */
  private send(
    res: ServerResponse,
    status: number,
    format: ResponseFormat,
    xmlRoot: string,
    body: Record<string, unknown>,
  ): void {
    const xml = format === ResponseFormat.Xml;
    const text = xml ? toXml(xmlRoot, body) : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': xml ? 'text/xml;charset=utf-8' : 'application/json;charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'x-acs-request-id': String(body.RequestId ?? ''),
    });
    res.end(text);
  }

  /** Keeps the response open (the client times out) and cuts it after HOLD_MS. */
  private hold(res: ServerResponse): void {
    this.held.add(res);
    const timer = setTimeout(() => {
      this.held.delete(res);
      res.socket?.destroy();
    }, HOLD_MS);
    timer.unref();
    res.on('close', () => {
      clearTimeout(timer);
      this.held.delete(res);
    });
  }

  /** Cuts held connections and writes pending state; the server closes itself. */
  shutdown(): void {
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
    this.store?.flush();
  }

  // ---- Admin ------------------------------------------------------------------------------

  loadWorld(world: 'demo' | 'empty' | World): void {
    this.applyWorld(resolveWorld(world, new Date(this.clock.now())));
    this.store?.writeNow();
  }

  advanceClock(seconds: number): Date {
    this.clock.advance(seconds);
    const now = this.clock.now();
    this.model.settle(now);
    // The clock itself is state: other processes on the folder follow it.
    this.store?.markDirty();
    return new Date(now);
  }

  now(): Date {
    return new Date(this.clock.now());
  }

  setSpeed(speed: number): void {
    this.clock.setSpeed(speed);
    this.store?.markDirty();
  }

  setFaults(faults: FaultSettings): void {
    this.faults = validateFaults(faults);
    this.store?.markDirty();
  }

  getFaults(): FaultSettings {
    return { ...this.faults };
  }

  setThrottle(api: string, rule: ThrottleRule): void {
    this.throttler.set(api, rule);
    this.store?.markDirty();
  }

  clearThrottle(api: string, region?: string): void {
    this.throttler.clear(api, region);
    this.store?.markDirty();
  }

  throttles(): Record<string, ThrottleRule> {
    return this.throttler.list();
  }

  throttleStats(): Record<string, ThrottleStats> {
    return this.throttler.stats(this.clock.now());
  }

  setQuota(region: string, maxSnapshots: number | null): void {
    const r = this.model.regions.get(region);
    if (r === undefined) throw new RangeError(`unknown region ${region}`);
    if (maxSnapshots === null) delete r.snapshotQuota;
    else {
      if (!(Number.isInteger(maxSnapshots) && maxSnapshots >= 0)) {
        throw new RangeError('maxSnapshots must be an integer >= 0');
      }
      r.snapshotQuota = maxSnapshots;
    }
    this.store?.markDirty();
  }

  setAccount(flags: Partial<AccountFlags>): void {
    this.model.account = { ...this.model.account, ...flags };
    this.store?.markDirty();
  }

  account(): AccountFlags {
    return { ...this.model.account };
  }

  setCopyModel(model: Partial<CopyModel>): void {
    this.model.copy = { ...this.model.copy, ...model };
    this.store?.markDirty();
  }

  setRamPolicy(policy: RamPolicy | null): void {
    this.ramPolicy = policy === null ? null : parseRamPolicy(policy);
    this.store?.markDirty();
  }

  issueStsCredentials(ttlSeconds?: number): StsCredentials {
    const creds = this.credentials.issueSts(
      ttlSeconds === undefined ? undefined : ttlSeconds * 1000,
    );
    this.store?.markDirty();
    return creds;
  }

  setKeyState(region: string, keyId: string, state: KeyState): void {
    const key = this.model.findKey(region, keyId);
    if (key === undefined) throw new RangeError(`no KMS key ${keyId} in ${region}`);
    key.state = state;
    if (state === 'PendingDeletion') key.deleteDate = this.clock.now() + 7 * 86_400_000;
    else delete key.deleteDate;
    this.store?.markDirty();
  }

  calls(filter?: CallFilter): CallLogEntry[] {
    return this.log.list(filter);
  }

  snapshots(region?: string): SnapshotRecord[] {
    this.store?.refreshIfChanged();
    const now = this.clock.now();
    this.model.settle(now);
    const list =
      region === undefined
        ? [...this.model.snapshots.values()]
        : this.model.regionSnapshots(region);
    return list.map((s) => ({ ...s, progress: progressAt(s, now), tags: { ...s.tags } }));
  }

  disks(region?: string): DiskRecord[] {
    this.store?.refreshIfChanged();
    this.model.settle(this.clock.now());
    return [...this.model.disks.values()]
      .filter((d) => region === undefined || d.regionId === region)
      .map((d) => ({ ...d, tags: { ...d.tags }, status: this.model.diskStatus(d) }));
  }

  reset(): void {
    this.faults = {};
    this.ramPolicy = null;
    this.throttler.reset();
    this.log.clear();
    this.applyWorld(resolveWorld(this.baseWorld, new Date(this.clock.now())));
    this.store?.writeNow();
  }

  flush(): void {
    this.store?.flush();
  }

  // ---- State ------------------------------------------------------------------------------

  private applyWorld(world: World): void {
    this.model.loadWorld(world, this.clock.now());
    if (this.opts.accountId !== undefined) this.model.accountId = this.opts.accountId;
  }

  private serialize(): PersistedState {
    const m = this.model;
    return {
      version: 1,
      clock: { virtualMs: this.clock.now(), realMs: Date.now(), speed: this.clock.speed },
      model: {
        accountId: m.accountId,
        account: m.account,
        copy: m.copy,
        regions: [...m.regions.values()],
        instances: [...m.instances.values()],
        disks: [...m.disks.values()],
        kmsKeys: [...m.kmsKeys.values()],
        snapshots: [...m.snapshots.values()],
        clientTokens: [...m.clientTokens],
      },
      settings: {
        faults: this.faults,
        throttles: this.throttler.list(),
        ramPolicy: this.ramPolicy,
      },
      sts: this.credentials.exportSts(),
    };
  }

  private deserialize(s: PersistedState): void {
    if (s.version !== 1)
      throw new TypeError(`unsupported emulator state version ${String(s.version)}`);
    // The cloud kept running while no emulator was up: virtual time moved on at the saved speed.
    this.clock.setSpeed(s.clock.speed);
    this.clock.set(s.clock.virtualMs + (Date.now() - s.clock.realMs) * s.clock.speed);
    const m = this.model;
    m.clear();
    m.accountId = s.model.accountId;
    m.account = s.model.account;
    // State written before restores were modelled lacks their defaults.
    m.copy = { ...DEFAULT_COPY_MODEL, ...s.model.copy };
    for (const r of s.model.regions) m.regions.set(r.regionId, r);
    for (const i of s.model.instances) m.instances.set(i.instanceId, i);
    for (const d of s.model.disks) m.addDisk(d);
    for (const k of s.model.kmsKeys) m.kmsKeys.set(k.keyId, k);
    m.addSnapshots(s.model.snapshots);
    for (const [token, rec] of s.model.clientTokens) m.clientTokens.set(token, rec);
    this.faults = s.settings.faults;
    this.ramPolicy = s.settings.ramPolicy;
    this.throttler.reset();
    for (const [key, rule] of Object.entries(s.settings.throttles)) {
      const [api] = key.split('@');
      this.throttler.set(api!, rule);
    }
    this.credentials.importSts(s.sts);
  }
}
