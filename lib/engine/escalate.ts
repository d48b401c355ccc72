import { CLOCK_SKEW_CODE, type CloudApiError } from '../cloud/errors.ts';
import { AlertKind } from '../records/types.ts';
import type { RunSession } from './session.ts';
import type { StopReason } from './stop.ts';

/**
 * The RAM action behind each API the engine calls: a Forbidden.RAM alert must tell the
 * operator which statement to grant, and Alibaba's own message does not always say.
 */
export const RAM_ACTIONS: Readonly<Record<string, string>> = {
  DescribeSnapshots: 'ecs:DescribeSnapshots',
  CopySnapshot: 'ecs:CopySnapshot',
  DeleteSnapshot: 'ecs:DeleteSnapshot',
  TagResources: 'ecs:TagResources',
  ListTagResources: 'ecs:ListTagResources',
  DescribeKey: 'kms:DescribeKey',
  LockSnapshot: 'ecs:LockSnapshot',
  DescribeLockedSnapshots: 'ecs:DescribeLockedSnapshots',
  CreateDisk: 'ecs:CreateDisk',
  DescribeDisks: 'ecs:DescribeDisks',
  DeleteDisk: 'ecs:DeleteDisk',
  DescribeZones: 'ecs:DescribeZones',
};

/** "Forbidden.RAM from DeleteSnapshot in cn-beijing (RAM action ecs:DeleteSnapshot): ..." */
export function describeCallError(error: CloudApiError): string {
  const action = RAM_ACTIONS[error.api];
  const where = error.region ? ` in ${error.region}` : '';
  return `${error.code} from ${error.api}${where}${action ? ` (RAM action ${action})` : ''}: ${error.message}`;
}

/**
 * Every stop-run error goes through here, whichever step met it: the run stops starting work
 * and exactly one run-aborted alert names the code and the API (later aborts are no-ops).
 */
export function abortRun({ book, stop }: RunSession, error: CloudApiError): string {
  if (error.code === CLOCK_SKEW_CODE) {
    const message = describeClockSkew(error);
    if (stop.abort({ code: error.code, message })) {
      book.alert(AlertKind.ClockSkew, { errorCode: error.code, message });
    }
    return message;
  }
  const message = describeCallError(error);
  if (stop.abort({ code: error.code, message })) {
    book.alert(AlertKind.RunAborted, { errorCode: error.code, message });
  }
  return message;
}

/** "the clock here is 20 min 3 s ahead of the API's ...": what to fix, measured. */
export function describeClockSkew(error: CloudApiError): string {
  const skew = error.clockSkewMs;
  const measured =
    skew === undefined
      ? "the clock here is off from the API's (the answer carried no Date to measure by)"
      : `the clock here is ${formatSkew(Math.abs(skew))} ${skew >= 0 ? 'ahead of' : 'behind'} the API's (measured from the Date of its answer)`;
  return `${CLOCK_SKEW_CODE} from ${error.api}${error.region ? ` in ${error.region}` : ''}: ${measured}; requests are signed with the local time and the API accepts at most 15 minutes of difference: set the clock (NTP) and run again`;
}

function formatSkew(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${seconds % 60} s` : `${seconds} s`;
}

/** One destination-stopped alert per destination and run, with the progress event. */
export function stopDestination(
  { book, stop, emit }: RunSession,
  region: string,
  why: StopReason,
): void {
  if (!stop.stopDestination(region, why)) return;
  const { code: errorCode, message } = why;
  book.alert(AlertKind.DestinationStopped, { destRegion: region, errorCode, message });
  emit({ type: 'destination-stopped', destRegion: region, errorCode, message });
}
