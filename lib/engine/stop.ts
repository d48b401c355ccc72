import { Code } from '../codes.ts';
import { ReplicatorError } from '../errors.ts';

/** Why no new work may start: shared by execute and prune, set by errors and budgets. */
export class StopState {
  readonly destinations = new Map<string, { errorCode: string; message: string }>();
  aborted: { errorCode: string; message: string } | undefined;

  constructor(
    private readonly options: {
      now: () => Date;
      /** Wall-clock ms after which no copy starts (undefined: no budget). */
      deadline?: number | undefined;
      signal?: AbortSignal | undefined;
    },
  ) {}

  stopDestination(region: string, errorCode: string, message: string): boolean {
    if (this.destinations.has(region)) return false;
    this.destinations.set(region, { errorCode, message });
    return true;
  }

  abort(errorCode: string, message: string): boolean {
    if (this.aborted) return false;
    this.aborted = { errorCode, message };
    return true;
  }

  /** Why work for `region` must not start now, or undefined when it may. */
  reason(region: string): { code: string; message: string } | undefined {
    if (this.aborted) {
      return { code: this.aborted.errorCode, message: `run aborted: ${this.aborted.message}` };
    }
    const stopped = this.destinations.get(region);
    if (stopped) {
      return { code: stopped.errorCode, message: `destination stopped: ${stopped.message}` };
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
