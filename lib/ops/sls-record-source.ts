import type { LogTarget } from '../policy/schema.ts';
import type { Credentials } from '../ports.ts';
import { contentsRecordSource, type RecordSource } from './record-source.ts';

/** Newest run records read back: the heartbeat and the timeline need only the last few. */
export const SLS_RUN_LIMIT = 100;
/** Newest failures, deferrals and alerts read back. */
export const SLS_EVENT_LIMIT = 2000;

/**
 * Reads a policy's history back from its SLS logstore. Only the records status needs are
 * queried, runs apart from the rest, so neither thousands of routine item records nor a storm
 * of failures can crowd the newest run out of a limit and fake a missed heartbeat.
 */
export function slsRecordSource(
  target: Extract<LogTarget, { type: 'sls' }>,
  policyName: string,
  connection: { credentials: Credentials; endpoint?: string | undefined },
): RecordSource {
  const policy = `policy: "${policyName}"`;
  return contentsRecordSource(async ({ from, to }) => {
    // Loaded on demand, as the sink does: @alicloud/log is only needed for SLS policies.
    const { createSlsReader } = await import('../cloud/sls.ts');
    const reader = createSlsReader({
      project: target.project,
      logstore: target.logstore,
      region: target.region,
      credentials: connection.credentials,
      ...(connection.endpoint === undefined ? {} : { endpoint: connection.endpoint }),
    });
    const [runs, events] = await Promise.all([
      reader.query({ from, to, query: `${policy} and kind: run`, limit: SLS_RUN_LIMIT }),
      reader.query({
        from,
        to,
        query: `${policy} and (kind: alert or outcome: failed or outcome: deferred)`,
        limit: SLS_EVENT_LIMIT,
      }),
    ]);
    return [...runs, ...events];
  });
}
