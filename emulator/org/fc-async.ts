import { randomUUID } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import { ApiError } from '../protocol/api-error.ts';

/** What FC hands a handler: the parts of the Node.js runtime context the product reads. */
export interface FcInvocationContext {
  requestId: string;
  credentials: { accessKeyId: string; accessKeySecret: string; securityToken: string };
  function: { name: string; handler: string; memory: number; timeout: number };
  region: string;
  accountId: string;
}

export type FcHandler = (event: Buffer, context: FcInvocationContext) => Promise<unknown>;

/** A deployed FC 3.0 function, as s.yaml describes it. */
export interface FcFunctionSpec {
  name: string;
  handler: FcHandler;
  timeoutSeconds: number;
  /** Instances running at once (async invocations beyond this queue). */
  concurrency: number;
  /** asyncInvokeConfig.maxAsyncRetryAttempts (FC: 0-8, default 3). */
  maxAsyncRetryAttempts: number;
  /** asyncTask: true — task ids are honoured (and a repeated one refused with 409). */
  asyncTask: boolean;
  /** The role the function runs as (its credentials in the context). */
  role: string;
}

/** Injected at-least-once behaviour: extra deliveries and failed executions (then retried). */
export interface FcFaults {
  /** Probability an accepted task is delivered twice. */
  duplicateRate?: number;
  /** Probability an execution is reported failed after the handler ran (FC retries it). */
  failureRate?: number;
}

export type TaskStatus = 'Enqueued' | 'Running' | 'Succeeded' | 'Failed';

export interface AsyncTask {
  taskId: string;
  functionName: string;
  payload: string;
  status: TaskStatus;
  /** Executions of the handler (deliveries + retries). */
  executions: number;
  deliveries: number;
  retries: number;
  requestIds: string[];
  error?: string;
}

export interface FcDeps {
  accountId: string;
  region: string;
  random: () => number;
  /** Credentials for the function's role in the management account. */
  roleCredentials(role: string, ttlSeconds: number): FcInvocationContext['credentials'];
}

/**
 * FC 3.0 asynchronous invocation, in process: a queue per function capped at its concurrency,
 * task-id deduplication (409), retries up to maxAsyncRetryAttempts, injectable duplicate
 * deliveries and failures. The handler runs exactly as FC would call it (event Buffer, context).
 */
export class FcAsync {
  private readonly functions = new Map<string, { spec: FcFunctionSpec; limit: LimitFunction }>();
  private readonly tasks = new Map<string, AsyncTask>();
  private readonly pending = new Set<Promise<void>>();
  private faults: FcFaults = {};

  constructor(private readonly deps: FcDeps) {}

  deploy(spec: FcFunctionSpec): void {
    this.functions.set(spec.name, { spec, limit: pLimit(spec.concurrency) });
  }

  setConcurrency(name: string, concurrency: number): void {
    const fn = this.functions.get(name);
    if (fn === undefined) throw new RangeError(`no function ${name}`);
    this.functions.set(name, { spec: { ...fn.spec, concurrency }, limit: pLimit(concurrency) });
  }

  setFaults(faults: FcFaults): void {
    for (const [k, v] of Object.entries(faults)) {
      if (typeof v !== 'number' || v < 0 || v > 1) throw new RangeError(`${k} must be within 0..1`);
    }
    this.faults = { ...faults };
  }

  /** Accepts an async invocation; returns the request id (202) or throws 404/409/400. */
  enqueue(
    functionName: string,
    payload: Buffer,
    taskId: string | undefined,
  ): { requestId: string; taskId: string } {
    const fn = this.functions.get(functionName);
    if (fn === undefined) {
      throw new ApiError(404, 'FunctionNotFound', `function '${functionName}' does not exist`);
    }
    if (payload.length > 128 * 1024) {
      throw new ApiError(400, 'InvalidArgument', 'async invocation payload exceeds 128 KB');
    }
    const requestId = randomUUID();
    if (taskId !== undefined && !fn.spec.asyncTask) {
      throw new ApiError(
        400,
        'InvalidArgument',
        'x-fc-async-task-id needs asyncTask enabled on the function',
      );
    }
    const id = taskId ?? requestId;
    if (this.tasks.has(id)) {
      throw new ApiError(409, 'AsyncTaskAlreadyExist', `async task '${id}' already exists`);
    }
    const task: AsyncTask = {
      taskId: id,
      functionName,
      payload: payload.toString('utf8'),
      status: 'Enqueued',
      executions: 0,
      deliveries: 1,
      retries: 0,
      requestIds: [],
    };
    this.tasks.set(id, task);
    this.schedule(task, payload, fn.spec, fn.limit);
    if (
      (this.faults.duplicateRate ?? 0) > 0 &&
      this.deps.random() < (this.faults.duplicateRate ?? 0)
    ) {
      task.deliveries += 1;
      this.schedule(task, payload, fn.spec, fn.limit);
    }
    return { requestId, taskId: id };
  }

  /** Runs a handler synchronously (x-fc-invocation-type: Sync). */
  async invokeSync(functionName: string, payload: Buffer): Promise<unknown> {
    const fn = this.functions.get(functionName);
    if (fn === undefined)
      throw new ApiError(404, 'FunctionNotFound', `function '${functionName}' does not exist`);
    return fn.limit(() => fn.spec.handler(payload, this.context(fn.spec, randomUUID())));
  }

  list(): AsyncTask[] {
    return [...this.tasks.values()].map((t) => ({ ...t, requestIds: [...t.requestIds] }));
  }

  /** Resolves when no delivery is queued or running. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private context(spec: FcFunctionSpec, requestId: string): FcInvocationContext {
    return {
      requestId,
      credentials: this.deps.roleCredentials(spec.role, Math.max(900, spec.timeoutSeconds)),
      function: {
        name: spec.name,
        handler: 'index.handler',
        memory: 512,
        timeout: spec.timeoutSeconds,
      },
      region: this.deps.region,
      accountId: this.deps.accountId,
    };
  }

  private schedule(
    task: AsyncTask,
    payload: Buffer,
    spec: FcFunctionSpec,
    limit: LimitFunction,
  ): void {
    const run = limit(async () => {
      for (let attempt = 0; ; attempt++) {
        const requestId = randomUUID();
        task.status = 'Running';
        task.executions += 1;
        task.requestIds.push(requestId);
        try {
          await spec.handler(Buffer.from(payload), this.context(spec, requestId));
          const failure = this.faults.failureRate ?? 0;
          if (failure > 0 && this.deps.random() < failure)
            throw new Error('injected: instance failed after the handler ran');
          task.status = 'Succeeded';
          delete task.error;
          return;
        } catch (error) {
          task.error = error instanceof Error ? error.message : String(error);
          if (attempt >= spec.maxAsyncRetryAttempts) {
            task.status = 'Failed';
            return;
          }
          task.retries += 1;
        }
      }
    });
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }
}
