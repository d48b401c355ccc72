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

/** Holds the exit code a command decided on; commander actions cannot return one. */
export interface CommandContext {
  io: CliIo;
  setExitCode(code: number): void;
}
