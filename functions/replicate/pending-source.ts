import type { Credentials } from '../../lib/ports.ts';
import type { FcContext } from './context.ts';
import { FUNCTION_LOG_ENV, type FunctionLogReader } from './pending-records.ts';

/** Pending records read back from the function log at most (100 per GetLogs page). */
const FUNCTION_LOG_LIMIT = 20_000;

/**
 * The function's own logstore (`DR_REPLICATOR_FUNCTION_LOG=project/logstore`, in the region the
 * function runs in), read through the same @alicloud/log client as the records. Unset: only the
 * /tmp spool is resent (a cold instance then finds nothing; the log still has the records).
 */
export function functionLogReader(
  env: NodeJS.ProcessEnv,
  context: FcContext,
  credentials: Credentials,
  endpoint: string | undefined,
): FunctionLogReader | undefined {
  const named = env[FUNCTION_LOG_ENV];
  const region = context.region || env.FC_REGION || env.ALIBABA_CLOUD_REGION;
  if (!named || !region) return undefined;
  const [project, logstore] = named.split('/');
  if (!project || !logstore) return undefined;
  return async ({ from, to, query }) => {
    const { createSlsReader } = await import('../../lib/cloud/sls.ts');
    const reader = createSlsReader({
      project,
      logstore,
      region,
      credentials,
      ...(endpoint ? { endpoint } : {}),
    });
    return reader.query({ from, to, query, limit: FUNCTION_LOG_LIMIT });
  };
}
