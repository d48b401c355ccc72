import { SlsApiError } from './errors.ts';

interface Fault {
  errorCode: string;
  httpStatus: number;
  remaining: number;
}

/** Injected SLS faults (POST /_emulator/sls/faults): each fails the next `count` API calls. */
export class SlsFaultQueue {
  private faults: Fault[] = [];

  /** Queues a fault; returns the count it will fail (at least 1). */
  add(errorCode: string, httpStatus: number, count: unknown): number {
    const remaining = typeof count === 'number' && count > 0 ? Math.floor(count) : 1;
    this.faults.push({ errorCode, httpStatus, remaining });
    return remaining;
  }

  /** Throws the first queued fault, consuming one of its calls. */
  inject(): void {
    const fault = this.faults[0];
    if (fault === undefined) return;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.shift();
    throw new SlsApiError(fault.httpStatus, fault.errorCode, `injected fault: ${fault.errorCode}`);
  }

  clear(): void {
    this.faults = [];
  }
}
