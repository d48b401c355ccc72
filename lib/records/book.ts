import { scrubSecretValues } from '../cloud/secret-values.ts';
import { Code } from '../codes.ts';
import { ReplicatorError } from '../errors.ts';
import type { LogSink } from '../ports.ts';
import { recordIdOf } from './record-id.ts';
import { RecordsKeptError } from './records-kept.ts';
import {
  type AlertKind,
  type AlertRecord,
  type ItemRecord,
  type LogRecord,
  Outcome,
  type RunRecord,
} from './types.ts';

/** Records are written in batches of this many (an SLS PutLogs call each). */
const FLUSH_EVERY = 500;

export class RecordWriteError extends ReplicatorError {}

export function emptyTotals(): Record<Outcome, number> {
  return Object.fromEntries(Object.values(Outcome).map((o) => [o, 0])) as Record<Outcome, number>;
}

export type ItemInput = Omit<ItemRecord, 'kind' | 'runId' | 'policy' | 'time'>;
export type AlertInput = Omit<AlertRecord, 'kind' | 'runId' | 'policy' | 'time' | 'alert'>;

/**
 * Step 8: one item record per decision, alerts, and the run record whose totals are the sum
 * of the item records. Writes are batched and ordered; a failed write is kept and thrown by
 * finish() so the run still completes its work and reports the loss once.
 */
export class RecordBook {
  readonly totals = emptyTotals();
  readonly perDestination = new Map<string, Record<Outcome, number>>();
  readonly #sink: LogSink;
  readonly #base: { runId: string; policy: string; dryRun?: 'true' };
  readonly #now: () => Date;
  readonly #onItem: ((record: ItemRecord) => void) | undefined;
  #pending: LogRecord[] = [];
  #writing: Promise<void> = Promise.resolve();
  #writeError: unknown;
  /** Records the sink kept for the next run to resend (known once finish() returned). */
  recordsPending = 0;
  itemCount = 0;
  alertCount = 0;

  constructor(options: {
    sink: LogSink;
    runId: string;
    policy: string;
    now: () => Date;
    onItem?: (record: ItemRecord) => void;
    /** Marks every record as a rehearsal's (`dryRun: "true"`). */
    dryRun?: boolean;
  }) {
    this.#sink = options.sink;
    this.#base = {
      runId: options.runId,
      policy: options.policy,
      ...(options.dryRun ? { dryRun: 'true' as const } : {}),
    };
    this.#now = options.now;
    this.#onItem = options.onItem;
  }

  item(input: ItemInput): ItemRecord {
    const record: ItemRecord = {
      kind: 'item',
      ...this.#base,
      time: this.#now().toISOString(),
      ...input,
    };
    this.totals[record.outcome] += 1;
    let dest = this.perDestination.get(record.destRegion);
    if (!dest) {
      dest = emptyTotals();
      this.perDestination.set(record.destRegion, dest);
    }
    dest[record.outcome] += 1;
    this.itemCount += 1;
    this.#push(record);
    this.#onItem?.(record);
    return record;
  }

  alert(alert: AlertKind, input: AlertInput): AlertRecord {
    const record: AlertRecord = {
      kind: 'alert',
      ...this.#base,
      time: this.#now().toISOString(),
      alert,
      ...input,
    };
    this.alertCount += 1;
    this.#push(record);
    return record;
  }

  /** True once a write failed: what was recorded may not have reached the log store. */
  get writeFailed(): boolean {
    return this.#writeError !== undefined;
  }

  /** Writes everything recorded so far and waits for it. */
  async flush(): Promise<void> {
    this.#flush();
    await this.#writing;
  }

  /** Writes the run record, flushes everything and closes the sink. */
  async finish(run: Omit<RunRecord, 'kind' | 'runId' | 'policy' | 'time' | 'totals'>) {
    const record: RunRecord = {
      kind: 'run',
      ...this.#base,
      time: this.#now().toISOString(),
      ...run,
      totals: { ...this.totals },
    };
    this.#push(record);
    this.#flush();
    await this.#writing;
    try {
      await this.#sink.close();
    } catch (error) {
      this.#failed(error);
    }
    if (this.#writeError instanceof RecordsKeptError) {
      this.recordsPending = this.#writeError.pending;
      return record;
    }
    if (this.#writeError !== undefined) {
      const message =
        this.#writeError instanceof Error ? this.#writeError.message : String(this.#writeError);
      throw new RecordWriteError(
        Code.RecordWriteFailed,
        `records could not be written: ${message}`,
        {
          cause: this.#writeError,
        },
      );
    }
    return record;
  }

  #push(record: LogRecord): void {
    // Messages carry text from the cloud and from libraries: a last scrub by value.
    const message = (record as { message?: unknown }).message;
    if (typeof message === 'string')
      (record as { message: string }).message = scrubSecretValues(message);
    record.recordId = recordIdOf(record);
    this.#pending.push(record);
    if (this.#pending.length >= FLUSH_EVERY) this.#flush();
  }

  /**
   * Records kept for a resend are the mildest failure, and the latest such count is the total;
   * any other failure means records may be lost, and that is what finish() reports.
   */
  #failed(error: unknown): void {
    if (this.#writeError === undefined || this.#writeError instanceof RecordsKeptError) {
      this.#writeError = error;
    }
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#writing = this.#writing.then(async () => {
      try {
        await this.#sink.write(batch);
      } catch (error) {
        this.#failed(error);
      }
    });
  }
}
