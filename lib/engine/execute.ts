import pLimit from 'p-limit';
import { CloudApiError } from '../cloud/errors.ts';
import type { Destination } from '../policy/schema.ts';
import type { RecordBook } from '../records/book.ts';
import { type ItemRecord, Outcome } from '../records/types.ts';
import { classify, ErrorClass } from './classify.ts';
import { CopyConfirmer } from './confirm-copies.ts';
import type { EngineContext } from './context.ts';
import { buildCopyRequest } from './copy-request.ts';
import { abortRun, stopDestination } from './escalate.ts';
import type { WorkItem } from './plan.ts';
import type { DestinationCopies } from './reconcile.ts';
import { attemptsOf } from './retry.ts';
import { NotStartedError, type StopState } from './stop.ts';

export interface ExecuteOptions {
  ctx: EngineContext;
  book: RecordBook;
  stop: StopState;
  dryRun: boolean;
  destinations: Destination[];
  /** What each destination listed before the run started (phantom detection needs it). */
  listings?: ReadonlyMap<string, DestinationCopies>;
}

function itemFields(item: WorkItem) {
  return {
    sourceRegion: item.sourceRegion,
    sourceSnapshotId: item.sourceSnapshotId,
    diskId: item.diskId,
    destRegion: item.destRegion,
  };
}

/** Records a decision and tells the progress listener. */
export function recordItem(
  { ctx, book }: Pick<ExecuteOptions, 'ctx' | 'book'>,
  item: WorkItem,
  fields: Omit<
    ItemRecord,
    'kind' | 'runId' | 'policy' | 'time' | keyof ReturnType<typeof itemFields>
  >,
): void {
  const record = book.item({ ...itemFields(item), ...fields });
  ctx.emit({
    type: 'item',
    destRegion: record.destRegion,
    outcome: record.outcome,
    sourceSnapshotId: record.sourceSnapshotId,
    ...(record.errorCode ? { errorCode: record.errorCode } : {}),
  });
}

function keyHint(dest: Destination | undefined): string {
  return dest?.kmsKeyId ? ` (KMS key ${dest.kmsKeyId})` : '';
}

/** Acts on a CopySnapshot error as its class says. */
export function onCopyError(
  options: ExecuteOptions,
  item: WorkItem,
  error: CloudApiError,
  durationMs: number,
): void {
  const attempts = attemptsOf(error);
  const common = {
    errorCode: error.code,
    attempts,
    durationMs,
    ...(error.requestId ? { requestId: error.requestId } : {}),
  };
  const errorClass = classify(error.code, error.httpStatus);
  switch (errorClass) {
    case ErrorClass.RetryNow:
    case ErrorClass.RetryNextRun:
      recordItem(options, item, {
        ...common,
        outcome: Outcome.Deferred,
        message: `not copied this run, retried next run: ${error.message}`,
      });
      return;
    case ErrorClass.SkipItem:
      recordItem(options, item, {
        ...common,
        outcome: Outcome.Skipped,
        message: `cannot be copied: ${error.message}`,
      });
      return;
    case ErrorClass.StopDestination: {
      const dest = options.destinations.find((d) => d.region === item.destRegion);
      const message = `${error.code} from CopySnapshot to ${item.destRegion}${keyHint(dest)}: ${error.message}`;
      recordItem(options, item, { ...common, outcome: Outcome.Failed, message });
      stopDestination(options, item.destRegion, error.code, message);
      return;
    }
    case ErrorClass.StopRun: {
      const message = abortRun(options, error);
      recordItem(options, item, { ...common, outcome: Outcome.Failed, message });
      return;
    }
    case ErrorClass.PolicyBug:
      recordItem(options, item, {
        ...common,
        outcome: Outcome.Failed,
        message: `the request was refused as malformed (fix the policy): ${error.message}`,
      });
      return;
  }
}

async function copyOne(
  options: ExecuteOptions,
  item: WorkItem,
  confirmer: CopyConfirmer,
): Promise<void> {
  const { ctx, stop } = options;
  if (!item.copyOf) return;
  const { source, dest, generation } = item.copyOf;
  const request = buildCopyRequest(ctx.policy, source, dest, generation);
  const before = stop.reason(item.destRegion);
  if (before) {
    recordItem(options, item, {
      outcome: Outcome.Deferred,
      errorCode: before.code,
      attempts: 0,
      durationMs: 0,
      message: before.message,
    });
    return;
  }
  if (options.dryRun) {
    recordItem(options, item, {
      outcome: Outcome.Deferred,
      attempts: 0,
      durationMs: 0,
      message: `dry run: would copy to ${item.destRegion} as ${request.name} (${item.reason})`,
    });
    return;
  }
  const started = performance.now();
  let sent = 0;
  try {
    const { value, attempts } = await ctx.call(
      'CopySnapshot',
      request.sourceRegionId,
      () => {
        sent += 1;
        return ctx.ecs.copySnapshot(request);
      },
      () => {
        // The limiter (or a backoff) may have waited: check again before anything is sent.
        const why = stop.reason(item.destRegion);
        if (why) throw new NotStartedError(why.code, why.message);
      },
    );
    // An answer is not a copy until the destination lists it: the record waits for that.
    await confirmer.add({
      item,
      copySnapshotId: value.snapshotId,
      requestId: value.requestId,
      attempts,
      durationMs: Math.round(performance.now() - started),
      name: request.name,
      generation,
    });
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    if (error instanceof CloudApiError) {
      onCopyError(options, item, error, durationMs);
      return;
    }
    const why =
      error instanceof NotStartedError
        ? { code: error.code, message: error.message }
        : stop.reason(item.destRegion);
    // The limiter's wait ends with the signal's reason when the run is stopped.
    if (!why) throw error;
    // Stopped between retries: an earlier attempt may have been accepted (a timeout); the next
    // run finds that copy, or sends the same ClientToken again.
    recordItem(options, item, {
      outcome: Outcome.Deferred,
      errorCode: why.code,
      attempts: sent,
      durationMs,
      message: sent > 0 ? `${why.message} (not retried after ${sent} attempt(s))` : why.message,
    });
  }
}

/**
 * Step 6: start the planned copies, per destination at most maxConcurrentCopies in flight,
 * every call through the (API, region) limiter; destinations run side by side.
 */
export async function execute(options: ExecuteOptions, items: WorkItem[]): Promise<void> {
  const byDest = new Map<string, WorkItem[]>();
  for (const item of items) {
    if (item.action !== 'copy') continue;
    const list = byDest.get(item.destRegion);
    if (list) list.push(item);
    else byDest.set(item.destRegion, [item]);
  }
  await Promise.all(
    [...byDest].map(([region, list]) => {
      const dest = options.destinations.find((d) => d.region === region);
      const limit = pLimit(dest?.maxConcurrentCopies ?? 1);
      const confirmer = new CopyConfirmer(options, region, options.listings?.get(region));
      return Promise.all(list.map((item) => limit(() => copyOne(options, item, confirmer)))).then(
        () => confirmer.finish(),
      );
    }),
  );
}
