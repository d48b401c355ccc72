import type { CloudApiError } from '../cloud/errors.ts';
import { Outcome } from '../records/types.ts';
import { classify, ErrorClass } from './classify.ts';
import { abortRun, describeCallError, stopDestination } from './escalate.ts';
import type { WorkItem } from './plan/index.ts';
import { recordItem } from './record-item.ts';
import { attemptsOf } from './retry.ts';
import type { RunSession } from './session.ts';

/**
 * What the run does about a failed call: ONE table from (error class, step) to what is recorded
 * and how far the failure reaches. classify() says what an error code means; this says what each
 * step does about it, so a Forbidden.RAM ends the run whichever step met it, and a copy and a
 * prune defer, skip and fail alike.
 */
export const CallStep = {
  /** Listings (preflight, discover, reconcile, lock states): the step notes other failures itself. */
  Listing: 'listing',
  /** CopySnapshot: one item record per call. */
  Copy: 'copy',
  /** DeleteSnapshot: one item record per call. */
  Prune: 'prune',
  /** Calls that make no copy and record no item of their own: LockSnapshot, TagResources (reported). */
  Mark: 'mark',
  /** Restore drill calls: a failed drill is its own record (restore-failed), it stops nothing. */
  Drill: 'drill',
} as const;
export type CallStep = (typeof CallStep)[keyof typeof CallStep];
type ItemStep = typeof CallStep.Copy | typeof CallStep.Prune;

/** How far a failed call reaches beyond its own item. */
export const Escalation = {
  None: 'none',
  /** The destination takes no more work this run (one destination-stopped alert). */
  StopDestination: 'stop-destination',
  /** The run starts no more work and exits 3 (one run-aborted alert). */
  AbortRun: 'abort-run',
} as const;
export type Escalation = (typeof Escalation)[keyof typeof Escalation];

/** What names the item in a message: the copy acted on, the key a destination encrypts with. */
export interface CallSubject {
  destRegion: string;
  copySnapshotId?: string;
  kmsKeyId?: string | undefined;
}

export interface CallOutcome {
  /** What the item records (copy and prune); undefined for steps that record no item per call. */
  outcome?: Outcome;
  escalation: Escalation;
  /** The item's message; an aborted run's message is the abort's own (abortRun). */
  message?: (error: CloudApiError, subject: CallSubject) => string;
}

const { None, StopDestination, AbortRun } = Escalation;
const keyHint = (s: CallSubject) => (s.kmsKeyId ? ` (KMS key ${s.kmsKeyId})` : '');
const only = (escalation: Escalation): CallOutcome => ({ escalation });
/** A transient failure: the item waits for the next run. */
const deferred = (verb: string): CallOutcome => ({
  outcome: Outcome.Deferred,
  escalation: None,
  message: (e) => `not ${verb} this run, retried next run: ${e.message}`,
});

const COPY: Record<ErrorClass, CallOutcome> = {
  [ErrorClass.RetryNow]: deferred('copied'),
  [ErrorClass.RetryNextRun]: deferred('copied'),
  [ErrorClass.SkipItem]: {
    outcome: Outcome.Skipped,
    escalation: None,
    message: (e) => `cannot be copied: ${e.message}`,
  },
  [ErrorClass.StopDestination]: {
    outcome: Outcome.Failed,
    escalation: StopDestination,
    message: (e, s) => `${e.code} from CopySnapshot to ${s.destRegion}${keyHint(s)}: ${e.message}`,
  },
  [ErrorClass.StopRun]: { outcome: Outcome.Failed, escalation: AbortRun },
  [ErrorClass.PolicyBug]: {
    outcome: Outcome.Failed,
    escalation: None,
    message: (e) => `the request was refused as malformed (fix the policy): ${e.message}`,
  },
};

/** Like a copy: a copy that is gone is skipped, a transient failure waits for the next run. */
const PRUNE: Record<ErrorClass, CallOutcome> = {
  [ErrorClass.RetryNow]: deferred('pruned'),
  [ErrorClass.RetryNextRun]: deferred('pruned'),
  [ErrorClass.SkipItem]: {
    outcome: Outcome.Skipped,
    escalation: None,
    message: (e, s) => `${s.copySnapshotId} cannot be pruned: ${e.message}`,
  },
  [ErrorClass.StopDestination]: {
    outcome: Outcome.Failed,
    escalation: StopDestination,
    message: (e, s) => `${e.code} from DeleteSnapshot in ${s.destRegion}: ${e.message}`,
  },
  [ErrorClass.StopRun]: { outcome: Outcome.Failed, escalation: AbortRun },
  [ErrorClass.PolicyBug]: {
    outcome: Outcome.Failed,
    escalation: None,
    message: (e, s) => `prune of ${s.copySnapshotId} failed: ${e.message}`,
  },
};

/**
 * Tagging and locking make no copy: what is left after retries, and malformed requests, leave
 * the copy untagged or unlocked (the step says so); a refusal stops the destination or the run.
 */
const MARK: Record<ErrorClass, CallOutcome> = {
  [ErrorClass.RetryNow]: only(None),
  [ErrorClass.RetryNextRun]: only(None),
  [ErrorClass.SkipItem]: only(None),
  [ErrorClass.StopDestination]: only(StopDestination),
  [ErrorClass.StopRun]: only(AbortRun),
  [ErrorClass.PolicyBug]: only(None),
};

/** A listing or a drill stops the run on a stop-run error only; the step handles the rest. */
const STOP_RUN_ONLY: Record<ErrorClass, CallOutcome> = {
  ...MARK,
  [ErrorClass.StopDestination]: only(None),
};

export const CALL_OUTCOMES: Readonly<Record<CallStep, Readonly<Record<ErrorClass, CallOutcome>>>> =
  {
    [CallStep.Listing]: STOP_RUN_ONLY,
    [CallStep.Copy]: COPY,
    [CallStep.Prune]: PRUNE,
    [CallStep.Mark]: MARK,
    [CallStep.Drill]: STOP_RUN_ONLY,
  };

/** The table's row for a failed call (pure: nothing is recorded). */
export function callOutcome(step: CallStep, error: CloudApiError): CallOutcome {
  return CALL_OUTCOMES[step][classify(error.code, error.httpStatus)];
}

/** Whether a failed call ends the run, whichever step met it. */
export function stopsRun(error: CloudApiError): boolean {
  return callOutcome(CallStep.Listing, error).escalation === Escalation.AbortRun;
}

/**
 * Escalates a failed call of a step that records no item per call (the alert once per run or
 * destination) and says what it did, so the step can stop or go on.
 */
export function escalateCallError(
  session: RunSession,
  step: Exclude<CallStep, ItemStep>,
  region: string,
  error: CloudApiError,
): Escalation {
  const { escalation } = callOutcome(step, error);
  if (escalation === AbortRun) abortRun(session, error);
  else if (escalation === StopDestination) {
    stopDestination(session, region, { code: error.code, message: describeCallError(error) });
  }
  return escalation;
}

/**
 * Records a failed CopySnapshot or DeleteSnapshot as the table says, with the escalation: an
 * abort's alert comes before the item's record, a stopped destination's after it.
 */
export function recordCallError(
  session: RunSession,
  step: ItemStep,
  item: WorkItem,
  error: CloudApiError,
  durationMs: number,
  subject: CallSubject,
): void {
  const row = callOutcome(step, error);
  const common = {
    ...(subject.copySnapshotId ? { copySnapshotId: subject.copySnapshotId } : {}),
    errorCode: error.code,
    attempts: attemptsOf(error),
    durationMs,
    ...(error.requestId ? { requestId: error.requestId } : {}),
  };
  const outcome = row.outcome ?? Outcome.Failed;
  if (row.escalation === AbortRun) {
    const message = abortRun(session, error);
    recordItem(session, item, { ...common, outcome, message });
    return;
  }
  const message = row.message?.(error, subject) ?? describeCallError(error);
  recordItem(session, item, { ...common, outcome, message });
  if (row.escalation === StopDestination) {
    stopDestination(session, subject.destRegion, { code: error.code, message });
  }
}

/** A failed CopySnapshot (the message names the destination's KMS key). */
export function recordCopyError(
  session: RunSession,
  item: WorkItem,
  error: CloudApiError,
  durationMs: number,
): void {
  const dest = session.policy.destinations.find((d) => d.region === item.destRegion);
  recordCallError(session, CallStep.Copy, item, error, durationMs, {
    destRegion: item.destRegion,
    kmsKeyId: dest?.kmsKeyId,
  });
}
