import { Code } from '../codes.ts';
import { InvalidInputError } from '../errors.ts';
import { formatProblem, type PolicyProblem } from './problems.ts';

/** The policy file failed validation; `problems` lists every problem, not only the first. */
export class PolicyValidationError extends InvalidInputError {
  readonly problems: PolicyProblem[];

  constructor(file: string, problems: PolicyProblem[], options?: { cause?: unknown }) {
    const n = problems.length;
    super(
      Code.PolicyInvalid,
      `policy ${file} is invalid (${n} problem${n === 1 ? '' : 's'}):\n${problems.map(formatProblem).join('\n')}`,
      options,
    );
    this.problems = problems;
  }
}

/** A `schedule` that FC's timer trigger would not accept. */
export class ScheduleSyntaxError extends InvalidInputError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(Code.ScheduleInvalid, message, options);
  }
}
