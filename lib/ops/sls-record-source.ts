import type { Credentials } from '../cloud/ports.ts';
import type { LogTarget } from '../policy/schema.ts';
import { contentsRecordSource, type RecordSource } from './record-source.ts';

/** Newest records read back; runs, failures and alerts of a busy policy fit well within it. */
export const SLS_READ_LIMIT = 2000;

/**
 * Reads a policy's history back from its SLS logstore. Only the records status needs are
 * queried (runs, alerts, failed and deferred items), so thousands of routine item records per
 * run do not crowd the newest runs out of the limit.
 */
export function slsRecordSource(
  target: Extract<LogTarget, { type: 'sls' }>,
  policyName: string,
  connection: { credentials: Credentials; endpoint?: string | undefined },
): RecordSource {
  const query = `policy: "${policyName}" and (kind: run or kind: alert or outcome: failed or outcome: deferred)`;
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
    return reader.query({ from, to, query, limit: SLS_READ_LIMIT });
  });
}
