/** Fault injection settings; rates are probabilities per call in [0, 1]. */
export interface FaultSettings {
  /** 500 InternalError before the action runs. */
  errorRate5xx?: number;
  /** 503 ServiceUnavailable before the action runs. */
  serviceUnavailableRate?: number;
  /** Added latency per call, real milliseconds. */
  latencyMs?: number;
  latencyJitterMs?: number;
  /** The connection is destroyed before the action runs (no state change). */
  dropConnectionRate?: number;
  /** The action runs (the copy is accepted) but no response is sent: the client times out. */
  timeoutAfterAcceptRate?: number;
  /** Probability that a new copy ends `failed` instead of `accomplished`. */
  copyFailureRate?: number;
  /**
   * Probability that a disk CreateDisk makes from a snapshot never becomes Available: at its
   * ready time the service releases it (a failed restore). Applies to CreateDisk calls.
   */
  restoreFailureRate?: number;
  /** Limit the faults above to these actions (default: all). */
  actions?: string[];
}

export type FaultDecision =
  | 'none'
  | 'internal-error'
  | 'service-unavailable'
  | 'drop'
  | 'timeout-after-accept';

const RATE_KEYS = [
  'errorRate5xx',
  'serviceUnavailableRate',
  'dropConnectionRate',
  'timeoutAfterAcceptRate',
  'copyFailureRate',
  'restoreFailureRate',
] as const;

export function validateFaults(f: FaultSettings): FaultSettings {
  for (const k of RATE_KEYS) {
    const v = f[k];
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new RangeError(`${k} must be in [0, 1]`);
  }
  for (const k of ['latencyMs', 'latencyJitterMs'] as const) {
    const v = f[k];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v)))
      throw new RangeError(`${k} must be >= 0`);
  }
  return { ...f };
}

function applies(f: FaultSettings, action: string): boolean {
  return f.actions === undefined || f.actions.length === 0 || f.actions.includes(action);
}

/** Decides the fault for one call; one draw per kind keeps each rate independent of the others. */
export function decideFault(f: FaultSettings, action: string, random: () => number): FaultDecision {
  if (!applies(f, action)) return 'none';
  if (random() < (f.dropConnectionRate ?? 0)) return 'drop';
  if (random() < (f.errorRate5xx ?? 0)) return 'internal-error';
  if (random() < (f.serviceUnavailableRate ?? 0)) return 'service-unavailable';
  if (random() < (f.timeoutAfterAcceptRate ?? 0)) return 'timeout-after-accept';
  return 'none';
}

export function latencyFor(f: FaultSettings, action: string, random: () => number): number {
  if (!applies(f, action)) return 0;
  return (f.latencyMs ?? 0) + (f.latencyJitterMs ?? 0) * random();
}

export function copyFailureRate(f: FaultSettings, action: string): number {
  return applies(f, action) ? (f.copyFailureRate ?? 0) : 0;
}

export function restoreFailureRate(f: FaultSettings, action: string): number {
  return applies(f, action) ? (f.restoreFailureRate ?? 0) : 0;
}
