import { Code } from '../codes.ts';
import { ReplicatorError } from '../errors.ts';

/**
 * Thrown by a sink whose log store refused records that it has kept elsewhere (a local spool,
 * the function's log) for the next run to resend: nothing is lost, so the run ends with exit 1
 * (attention needed) and says how many are pending, not exit 3.
 */
export class RecordsKeptError extends ReplicatorError {
  readonly pending: number;
  readonly where: string;

  constructor(pending: number, where: string, options?: { cause?: unknown }) {
    super(
      Code.RecordsPending,
      `${pending} record(s) could not be written to the log store and are kept in ${where}; the next run resends them`,
      options,
    );
    this.pending = pending;
    this.where = where;
  }
}
