import { createHash } from 'node:crypto';

/**
 * The x-fc-async-task-id for one (run, account, policy): deterministic, so a dispatcher that
 * is retried, or runs twice for one timer tick, is refused with 409 instead of running twice.
 * FC task ids start with a letter or _ and hold letters, digits, _ and -; 64 chars here.
 */
export function workerTaskId(runId: string, accountId: string, policyFile: string): string {
  const digest = createHash('sha256').update(`${runId}|${accountId}|${policyFile}`).digest('hex');
  return `drr_${accountId}_${digest.slice(0, 40)}`;
}

/**
 * The org run id of one timer tick: the trigger time, not the FC request id, so a retried
 * dispatcher invocation produces the same task ids.
 */
export function orgRunId(orgName: string, triggerTime: Date): string {
  const stamp = triggerTime.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `org-${orgName}-${stamp}`;
}
