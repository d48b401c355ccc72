import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkAcceptedParams } from './actions/accepted-params.ts';
import type { ActionContext, ActionSpec } from './actions/context.ts';
import { Product, SERVICES } from './actions/registry.ts';
import { redactParams } from './call-log.ts';
import type { CloudState } from './cloud-state.ts';
import type { Persistence } from './persistence.ts';
import {
  copyFailureRate,
  decideFault,
  type FaultDecision,
  latencyFor,
  restoreFailureRate,
} from './policy/faults.ts';
import { authorizeRpc } from './policy/ram-gate.ts';
import { apiError, toApiError } from './protocol/api-error.ts';
import {
  authenticate,
  formParams,
  type RpcCall,
  TIMESTAMP_WINDOW_MS,
} from './protocol/authenticate.ts';
import { HeldResponses } from './protocol/held-responses.ts';
import { regionOfRpcHost } from './protocol/host-region.ts';
import { NonceCache } from './protocol/nonce-cache.ts';
import { isAcs3, responseFormat } from './protocol/response-format.ts';
import { rpcErrorBody, sendRpc } from './protocol/rpc-response.ts';

/** What the call log and the error body need, filled in as the steps learn it. */
interface CallTrace {
  call: RpcCall | undefined;
  region: string | undefined;
  product: Product;
}

/** The action a call resolves to, with its parameters (RegionId filled in from the host). */
interface ResolvedCall {
  call: RpcCall;
  spec: ActionSpec;
  params: Record<string, string>;
}

/**
 * One ECS/KMS RPC call, in order: authenticate → parse (service, region, action, parameters)
 * → fault injection → throttle → settle the model to now → action (RAM checked inside) →
 * respond (JSON or XML) and log the call.
 */
export class RpcPipeline {
  private readonly nonces = new NonceCache(TIMESTAMP_WINDOW_MS);
  private readonly held = new HeldResponses();

  constructor(
    private readonly state: CloudState,
    private readonly persistence: Persistence,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID().toUpperCase();
    const trace: CallTrace = { call: undefined, region: undefined, product: Product.Ecs };
    // Decided before authentication so that every answer, errors included, has the asked format.
    const format = responseFormat(
      formParams(req, body).Format ?? url.searchParams.get('Format') ?? undefined,
      isAcs3(req),
    );
    const finish = (code: string, httpStatus: number) => {
      this.state.log.add({
        time: new Date(this.state.clock.now()).toISOString(),
        action:
          trace.call?.action ??
          url.searchParams.get('Action') ??
          String(req.headers['x-acs-action'] ?? ''),
        region: trace.region,
        params: redactParams(trace.call?.params ?? {}),
        code,
        httpStatus,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        requestId,
        signature: trace.call?.signatureKind ?? 'none',
      });
    };
    try {
      this.persistence.refresh();
      const call = authenticate(req, url, body, {
        credentials: this.state.credentials,
        nonces: this.nonces,
        realNow: Date.now,
      });
      trace.call = call;
      const { spec, params } = this.parse(req, call, trace);

      const fault = await this.injectFault(call.action);
      if (fault === 'drop') {
        finish('ConnectionDropped', 0);
        req.socket.destroy();
        return;
      }

      const now = this.state.clock.now();
      this.throttle(call.action, trace.region, now);
      // Progress, completion and retention expiry follow from the stored records and the clock:
      // every process recomputes them, so they are not written. Writing them made a mere read
      // overwrite another process's new copies (last writer wins).
      this.state.model.settle(now);
      const result = this.act({ call, spec, params }, now, requestId, trace);

      if (fault === 'timeout-after-accept') {
        finish('NoResponse', 0);
        this.held.hold(res);
        return;
      }
      sendRpc(res, 200, format, `${call.action}Response`, { RequestId: requestId, ...result });
      finish('OK', 200);
    } catch (error) {
      const e = toApiError(error);
      sendRpc(
        res,
        e.httpStatus,
        format,
        'Error',
        rpcErrorBody(e, requestId, trace.product, trace.region),
      );
      finish(e.code, e.httpStatus);
    }
  }

  /** Cuts connections held by "timeout after accept" faults (on stop). */
  shutdown(): void {
    this.held.cutAll();
  }

  /** Parse: the service (by Version), the region, the action and its accepted parameters. */
  private parse(req: IncomingMessage, call: RpcCall, trace: CallTrace): Omit<ResolvedCall, 'call'> {
    trace.region = call.params.RegionId;
    const service = SERVICES[call.version];
    if (service === undefined) throw apiError('InvalidVersion');
    trace.product = service.product;
    // Clients that route by endpoint leave RegionId out: the host they addressed names it.
    const hostRegion =
      trace.region === undefined ? regionOfRpcHost(req, service.product) : undefined;
    const params =
      hostRegion === undefined ? call.params : { ...call.params, RegionId: hostRegion };
    trace.region = params.RegionId;
    const spec = service.actions[call.action];
    if (spec === undefined) throw apiError('InvalidApi.NotFound');
    checkAcceptedParams(call.action, call.params);
    return { spec, params };
  }

  /**
   * Fault injection: added latency, then a 5xx thrown here; 'drop' and 'timeout-after-accept'
   * are returned for the caller to act on (before and after the action).
   */
  private async injectFault(action: string): Promise<FaultDecision> {
    const { faults, random } = this.state;
    const fault = decideFault(faults, action, random);
    const latency = latencyFor(faults, action, random);
    if (latency > 0) await sleep(latency);
    if (fault === 'internal-error') throw apiError('InternalError');
    if (fault === 'service-unavailable') throw apiError('ServiceUnavailable');
    return fault;
  }

  private throttle(action: string, region: string | undefined, now: number): void {
    if (!this.state.throttler.take(action, region, now, this.state.random)) {
      throw apiError('Throttling.User');
    }
  }

  /** Runs the action on the model; a mutating action marks the state for writing. */
  private act(
    { call, spec, params }: ResolvedCall,
    now: number,
    requestId: string,
    trace: CallTrace,
  ): Record<string, unknown> {
    const state = this.state;
    const ctx: ActionContext = {
      model: state.model,
      now,
      params,
      requestId,
      region: trace.region,
      random: state.random,
      authorize: (action, resource, resourceTags) =>
        authorizeRpc(state.ramPolicy, action, resource, resourceTags),
      copyFailureRate: copyFailureRate(state.faults, call.action),
      restoreFailureRate: restoreFailureRate(state.faults, call.action),
    };
    const result = spec.handle(ctx);
    trace.region = ctx.region;
    if (spec.mutates) this.persistence.markDirty();
    return result;
  }
}
