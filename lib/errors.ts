/**
 * Base of every error the product raises on purpose. `code` is stable (tests, records and
 * alert rules match on it); `cause` keeps the underlying error for debugging.
 */
export class ReplicatorError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input the operator must fix: exit code 2. */
export class InvalidInputError extends ReplicatorError {}

/** The run cannot go on (account state, permissions): exit code 3. */
export class RunAbortedError extends ReplicatorError {}

export const ExitCode = {
  Ok: 0,
  ItemsFailed: 1,
  InvalidInput: 2,
  Aborted: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
