import { AsyncLocalStorage } from 'node:async_hooks';
import { Code } from '../codes.ts';

/**
 * A deadline (performance.now() ms) that every cloud call made inside `withCallDeadline`
 * honours: its timeout is cut to the time left, and no call starts after it. Carried by async
 * context rather than threaded through every port, so the engine sets it per phase and per
 * region (a listing that hangs must give up in time for the other regions' copies) and the
 * RPC adapter reads it.
 */
const deadlines = new AsyncLocalStorage<number>();

/** Runs `fn` under `deadlineMs` (or the enclosing deadline, whichever is sooner). */
export function withCallDeadline<T>(
  deadlineMs: number | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  if (deadlineMs === undefined) return fn();
  const outer = deadlines.getStore();
  return deadlines.run(outer === undefined ? deadlineMs : Math.min(outer, deadlineMs), fn);
}

/** Milliseconds left before the current deadline; undefined when there is none. */
export function callTimeLeftMs(): number | undefined {
  const deadline = deadlines.getStore();
  return deadline === undefined ? undefined : deadline - performance.now();
}

/** The code of a call not sent, or given up, because the run's time was spent. */
export const TIME_BUDGET_CODE = Code.TimeBudgetExceeded;

/** A call with less time left than this is not sent: it could not get an answer anyway. */
export const CALL_TIMEOUT_FLOOR_MS = 100;
