import pLimit from 'p-limit';
import { CloudApiError } from '../cloud/errors.ts';
import { Outcome } from '../records/types.ts';
import { recordCopyError } from './call-outcome.ts';
import { CopyConfirmer } from './confirm-copies.ts';
import { buildCopyRequest } from './copy-request.ts';
import type { WorkItem } from './plan/index.ts';
import { recordItem } from './record-item.ts';
import type { RunSession } from './session.ts';
import { NotStartedError } from './stop.ts';

async function copyOne(
  session: RunSession,
  item: WorkItem,
  confirmer: CopyConfirmer,
): Promise<void> {
  const { stop } = session;
  if (!item.copyOf) return;
  const { source, dest, generation } = item.copyOf;
  const request = buildCopyRequest(session.policy, source, dest, generation);
  const before = stop.reason(item.destRegion);
  if (before) {
    recordItem(session, item, {
      outcome: Outcome.Deferred,
      errorCode: before.code,
      attempts: 0,
      durationMs: 0,
      message: before.message,
    });
    return;
  }
  if (session.dryRun) {
    recordItem(session, item, {
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
    const { value, attempts } = await session.call(
      'CopySnapshot',
      request.sourceRegionId,
      () => {
        sent += 1;
        return session.ecs.copySnapshot(request);
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
      recordCopyError(session, item, error, durationMs);
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
    recordItem(session, item, {
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
export async function execute(session: RunSession, items: WorkItem[]): Promise<void> {
  const byDest = new Map<string, WorkItem[]>();
  for (const item of items) {
    if (item.action !== 'copy') continue;
    const list = byDest.get(item.destRegion);
    if (list) list.push(item);
    else byDest.set(item.destRegion, [item]);
  }
  await Promise.all(
    [...byDest].map(([region, list]) => {
      const dest = session.policy.destinations.find((d) => d.region === region);
      const limit = pLimit(dest?.maxConcurrentCopies ?? 1);
      const confirmer = new CopyConfirmer(session, region, session.listings.get(region));
      return Promise.all(list.map((item) => limit(() => copyOne(session, item, confirmer)))).then(
        () => confirmer.finish(),
      );
    }),
  );
}
