import { CloudApiError } from '../cloud/errors.ts';
import { Code } from '../codes.ts';
import { describeByIds, IDS_PER_CALL } from '../domain/listing.ts';
import type { Snapshot } from '../ports.ts';
import { AlertKind, Outcome } from '../records/types.ts';
import { recordCopyError } from './call-outcome.ts';
import { buildCopyRequest } from './copy-request.ts';
import type { WorkItem } from './plan/index.ts';
import type { DestinationCopies } from './reconcile.ts';
import { recordItem } from './record-item.ts';
import type { RunSession } from './session.ts';

/** New generations tried for one pair in one run before it is recorded as failed. */
export const MAX_GENERATION_BUMPS = 3;
/** A fresh copy not listed yet is looked for once more after this wait (eventual consistency). */
export const CONFIRM_RECHECK_MS = 2_000;

interface Answer {
  item: WorkItem;
  copySnapshotId: string;
  requestId: string;
  attempts: number;
  durationMs: number;
  name: string;
  generation: number;
}

const DAY_MS = 86_400_000;

/**
 * An answer is not a copy until the destination lists it. CopySnapshot with a ClientToken it
 * has seen hands back the first answer's id, even when that copy has since been deleted by hand
 * or released by RetentionDays (ECS documents no expiry for a token): a "phantom". Each answered
 * id the run's own listing did not show is looked up, 100 ids a DescribeSnapshots call, before
 * the item is recorded; a phantom gets the next ClientToken generation — derived again next run
 * from what the cloud shows, since the new copy then exists — and an `re-copy` record.
 */
export class CopyConfirmer {
  readonly #session: RunSession;
  readonly #region: string;
  readonly #listed: ReadonlySet<string>;
  readonly #foreign: ReadonlySet<string>;
  #pending: Answer[] = [];
  readonly #lost: string[] = [];

  constructor(session: RunSession, region: string, listing: DestinationCopies | undefined) {
    this.#session = session;
    this.#region = region;
    this.#listed = listing?.listed ?? new Set();
    this.#foreign = new Set(listing?.foreign.map((f) => f.snapshot.snapshotId) ?? []);
  }

  async add(answer: Answer): Promise<void> {
    if (this.#foreign.has(answer.copySnapshotId)) {
      // The token led to a snapshot whose provenance tags were edited: not a copy of ours.
      await this.#recopy(answer, `its provenance tags no longer match what ECS reports`);
      return;
    }
    if (this.#listed.has(answer.copySnapshotId)) {
      this.#started(answer, '');
      return;
    }
    this.#pending.push(answer);
    if (this.#pending.length >= IDS_PER_CALL) await this.#flush(this.#pending.splice(0));
  }

  async finish(): Promise<void> {
    if (this.#pending.length > 0) await this.#flush(this.#pending.splice(0));
    if (this.#lost.length > 0) {
      const shown = this.#lost.slice(0, 10).join(', ');
      const more = this.#lost.length > 10 ? ` and ${this.#lost.length - 10} more` : '';
      this.#session.book.alert(AlertKind.CopyLost, {
        destRegion: this.#region,
        message: `${this.#lost.length} cop${this.#lost.length === 1 ? 'y' : 'ies'} this policy made in ${this.#region} ${this.#lost.length === 1 ? 'is' : 'are'} gone while the source is still wanted (${shown}${more}): re-copied; check who deletes DR copies, or lengthen retentionDays`,
      });
    }
  }

  #started(answer: Answer, note: string): void {
    recordItem(this.#session, answer.item, {
      outcome: Outcome.Started,
      copySnapshotId: answer.copySnapshotId,
      requestId: answer.requestId,
      attempts: answer.attempts,
      durationMs: answer.durationMs,
      message: `copy ${answer.copySnapshotId} started as ${answer.name} (${answer.item.reason})${note}`,
    });
  }

  /** Ids the destination lists now, with one look again after a short wait for the missing. */
  async #existing(ids: string[]): Promise<Set<string>> {
    const session = this.#session;
    const found = new Set<string>();
    const look = (batch: string[]) =>
      describeByIds(
        session,
        { regionId: this.#region, status: 'all' },
        batch,
        (page: Snapshot[]) => {
          for (const s of page) found.add(s.snapshotId);
        },
      );
    await look(ids);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      await session.sleep(CONFIRM_RECHECK_MS);
      await look(missing);
    }
    return found;
  }

  async #flush(batch: Answer[]): Promise<void> {
    let found: Set<string>;
    try {
      found = await this.#existing(batch.map((a) => a.copySnapshotId));
    } catch (error) {
      if (!(error instanceof CloudApiError)) throw error;
      // Unconfirmed, and said so: the next run's listing shows whether the copies exist.
      for (const a of batch) {
        this.#started(a, `; not yet confirmed in ${this.#region}: ${error.code}`);
      }
      return;
    }
    for (const a of batch) {
      if (found.has(a.copySnapshotId)) this.#started(a, '');
      else await this.#recopy(a, this.#goneReason(a.item));
    }
  }

  #goneReason(item: WorkItem): string {
    const retention = item.copyOf?.dest.retentionDays;
    const taken = item.copyOf ? Date.parse(item.copyOf.source.creationTime) : Number.NaN;
    const now = this.#session.now().getTime();
    if (retention !== undefined && !Number.isNaN(taken) && now - taken >= retention * DAY_MS) {
      return `copy released by retention (RetentionDays ${retention})`;
    }
    return 'copy deleted';
  }

  async #recopy(answer: Answer, whyGone: string): Promise<void> {
    const session = this.#session;
    const { stop } = session;
    const { item } = answer;
    if (!item.copyOf) return;
    const { source, dest } = item.copyOf;
    let generation = answer.generation;
    let lostId = answer.copySnapshotId;
    for (let bump = 1; bump <= MAX_GENERATION_BUMPS; bump += 1) {
      generation += 1;
      const why = stop.reason(item.destRegion);
      if (why) {
        recordItem(this.#session, item, {
          outcome: Outcome.Deferred,
          errorCode: why.code,
          attempts: answer.attempts,
          durationMs: answer.durationMs,
          message: `copy ${lostId} is gone (${whyGone}); a new copy was not started: ${why.message}`,
        });
        return;
      }
      const request = buildCopyRequest(session.policy, source, dest, generation);
      const started = performance.now();
      let copyId: string;
      let requestId: string;
      let attempts: number;
      try {
        const { value, attempts: n } = await session.call(
          'CopySnapshot',
          request.sourceRegionId,
          () => session.ecs.copySnapshot(request),
        );
        copyId = value.snapshotId;
        requestId = value.requestId;
        attempts = n;
      } catch (error) {
        if (!(error instanceof CloudApiError)) throw error;
        recordCopyError(this.#session, item, error, Math.round(performance.now() - started));
        return;
      }
      let exists: boolean;
      try {
        exists = !this.#foreign.has(copyId) && (await this.#existing([copyId])).has(copyId);
      } catch (error) {
        if (!(error instanceof CloudApiError)) throw error;
        exists = true;
      }
      if (exists) {
        this.#lost.push(lostId);
        recordItem(this.#session, item, {
          outcome: Outcome.Recopy,
          copySnapshotId: copyId,
          requestId,
          attempts,
          durationMs: Math.round(performance.now() - started),
          message: `re-copy: copy ${lostId} of ${source.snapshotId} is gone (${whyGone}); new copy ${copyId} started as ${request.name} (ClientToken generation ${generation})`,
        });
        return;
      }
      lostId = copyId;
    }
    recordItem(this.#session, item, {
      outcome: Outcome.Failed,
      errorCode: Code.PhantomCopy,
      copySnapshotId: lostId,
      attempts: answer.attempts,
      durationMs: answer.durationMs,
      message: `CopySnapshot answered ${MAX_GENERATION_BUMPS + 1} times with ids ${this.#region} does not list (last ${lostId}): no copy exists`,
    });
  }
}
