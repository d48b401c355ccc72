import { scrubSecretValues } from '../cloud/secret-values.ts';

/**
 * What a command may touch of the process. Tests pass their own to capture output; the
 * binary passes the real streams. Data goes to stdout, messages to stderr.
 */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTTY: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
  };
}

/**
 * The same io with every registered credential value and signature value scrubbed from what
 * is printed: the last line of defence for text no error class or record saw (a library's
 * message, an echo in an unexpected shape).
 */
export function scrubbedIo(io: CliIo): CliIo {
  return {
    ...io,
    stdout: (text) => io.stdout(scrubSecretValues(text)),
    stderr: (text) => io.stderr(scrubSecretValues(text)),
  };
}

/** Holds the exit code a command decided on; commander actions cannot return one. */
export interface CommandContext {
  io: CliIo;
  setExitCode(code: number): void;
}
