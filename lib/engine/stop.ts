import { Code } from '../codes.ts';
import { ReplicatorError } from '../errors.ts';

/**
 * Why a destination (or the run) stopped, or why work may not start: one shape from preflight
 * to the summary. Records and the RunSummary name the code `errorCode` (a public field): they
 * are mapped at that boundary only.
 */
export interface StopReason {
  code: string;
  message: string;
}

/** Why no new work may start: shared by execute and prune, set by errors and budgets. */
export class StopState {
  readonly destinations = new Map<string, StopReason>();
  aborted: StopReason | undefined;

  constructor(
    private readonly options: {
      now: () => Date;
      /** Wall-clock ms after which no copy starts (undefined: no budget). */
      deadline?: number | undefined;
      signal?: AbortSignal | undefined;
    },
  ) {}

  stopDestination(region: string, why: StopReason): boolean {
    if (this.destinations.has(region)) return false;
    this.destinations.set(region, why);
    return true;
  }

  abort(why: StopReason): boolean {
    if (this.aborted) return false;
    this.aborted = why;
    return true;
  }

  /** Why work for `region` must not start now, or undefined when it may. */
  reason(region: string): StopReason | undefined {
    if (this.aborted) {
      return { code: this.aborted.code, message: `run aborted: ${this.aborted.message}` };
    }
    const stopped = this.destinations.get(region);
    if (stopped) {
      return { code: stopped.code, message: `destination stopped: ${stopped.message}` };
    }
    if (this.options.signal?.aborted) {
      return { code: Code.RunStopped, message: 'run stopped by signal: no new copies' };
    }
    const { deadline } = this.options;
    if (deadline !== undefined && this.options.now().getTime() >= deadline) {
      return {
        code: Code.TimeBudgetExceeded,
        message: 'time budget spent: no new copies this run, the next run resumes',
      };
    }
    return undefined;
  }
}

/** Thrown before a call is sent when the run may no longer start work. */
export class NotStartedError extends ReplicatorError {}
