/**
 * The replication loop a user would write by hand against @alicloud/pop-core: the baseline the
 * benchmarks compare the engine with. Sequential; for every source snapshot and destination it
 * asks the destination whether a copy exists (one DescribeSnapshots each), then calls
 * CopySnapshot; on throttling it sleeps a fixed time and tries again. It keeps no limiter, no
 * ClientToken and no per-disk ordering, on purpose: that is the point of comparison.
 */
import RPCClient from '@alicloud/pop-core';

export interface NaiveOptions {
  /** One endpoint for every region (the emulator), as a user would pass per region. */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  sourceRegions: readonly string[];
  destRegions: readonly string[];
  /** The fixed `await sleep(...)` on Throttling.* */
  throttleSleepMs: number;
  /** Tag the script stamps on its copies so the next run can find them. */
  copyTagKey?: string;
}

export interface NaiveResult {
  /** Requests sent per API action, retries included. */
  calls: Record<string, number>;
  copiesStarted: number;
  alreadyCopied: number;
  throttled: number;
  /** Calls that ended in an error the script does not handle (logged and skipped). */
  errors: Record<string, number>;
}

interface RawSnapshot {
  SnapshotId: string;
  SnapshotName?: string;
}

interface DescribeSnapshotsResponse {
  Snapshots?: { Snapshot?: RawSnapshot[] };
  NextToken?: string;
}

const ECS_API_VERSION = '2014-05-26';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'Unknown';
}

export async function naiveReplicate(options: NaiveOptions): Promise<NaiveResult> {
  const tagKey = options.copyTagKey ?? 'copied-from';
  const client = new RPCClient({
    endpoint: options.endpoint,
    apiVersion: ECS_API_VERSION,
    accessKeyId: options.accessKeyId,
    accessKeySecret: options.accessKeySecret,
  });
  const result: NaiveResult = {
    calls: {},
    copiesStarted: 0,
    alreadyCopied: 0,
    throttled: 0,
    errors: {},
  };

  // What a script does: call, and on throttling sleep and call again; anything else is thrown.
  async function call<T>(action: string, params: Record<string, unknown>): Promise<T> {
    for (;;) {
      result.calls[action] = (result.calls[action] ?? 0) + 1;
      try {
        return await client.request<T>(action, params, { method: 'POST' });
      } catch (error) {
        if (errorCode(error).startsWith('Throttling')) {
          result.throttled += 1;
          await sleep(options.throttleSleepMs);
          continue;
        }
        throw error;
      }
    }
  }

  for (const sourceRegion of options.sourceRegions) {
    let nextToken: string | undefined;
    do {
      const page: DescribeSnapshotsResponse = await call('DescribeSnapshots', {
        RegionId: sourceRegion,
        Status: 'accomplished',
        MaxResults: 100,
        ...(nextToken ? { NextToken: nextToken } : {}),
      });
      nextToken = page.NextToken || undefined;
      for (const snapshot of page.Snapshots?.Snapshot ?? []) {
        for (const destRegion of options.destRegions) {
          try {
            const existing: DescribeSnapshotsResponse = await call('DescribeSnapshots', {
              RegionId: destRegion,
              Tag: [{ Key: tagKey, Value: snapshot.SnapshotId }],
            });
            if ((existing.Snapshots?.Snapshot ?? []).length > 0) {
              result.alreadyCopied += 1;
              continue;
            }
            await call('CopySnapshot', {
              RegionId: sourceRegion,
              SnapshotId: snapshot.SnapshotId,
              DestinationRegionId: destRegion,
              DestinationSnapshotName: `copy-${snapshot.SnapshotId}`,
              DestinationSnapshotDescription: `copy of ${snapshot.SnapshotId}`,
              Tag: [{ Key: tagKey, Value: snapshot.SnapshotId }],
            });
            result.copiesStarted += 1;
          } catch (error) {
            const code = errorCode(error);
            result.errors[code] = (result.errors[code] ?? 0) + 1;
          }
        }
      }
    } while (nextToken);
  }
  return result;
}
