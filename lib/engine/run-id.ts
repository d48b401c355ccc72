import { randomUUID } from 'node:crypto';
import { Code } from '../codes.ts';
import { InvalidInputError } from '../errors.ts';

/** SLS field values and terminal lines: an id is one short token an operator can copy. */
export const RUN_ID_LIMITS = { maxLength: 128 } as const;

const PRINTABLE_TOKEN = /^[\x21-\x7e]+$/;

export class InvalidRunIdError extends InvalidInputError {
  constructor(message: string) {
    super(Code.InvalidRunId, message);
  }
}

/**
 * Why a run id cannot be used, or undefined. A run id is stamped on every record and printed:
 * a newline would forge a log line, an ESC would drive the operator's terminal.
 */
export function runIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'the run id is empty';
  if (id.length > RUN_ID_LIMITS.maxLength) {
    return `the run id is ${id.length} characters long; at most ${RUN_ID_LIMITS.maxLength}`;
  }
  if (!PRINTABLE_TOKEN.test(id)) {
    return `the run id ${JSON.stringify(id)} may hold only printable ASCII characters, without spaces or control characters`;
  }
  return undefined;
}

/** A correlation id for runs started outside FC (which passes its request id). */
export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `run-${stamp}-${randomUUID().slice(0, 8)}`;
}
