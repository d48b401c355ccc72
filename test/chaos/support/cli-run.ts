import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../deploy/support/paths.ts';

/** The CLI a user runs (`dr-replicator`). */
const BIN = path.join(REPO_ROOT, 'bin', 'dr-replicator.mjs');

export interface CliRun {
  child: ChildProcess;
  /** The exit code; null when a signal ended it (kill -9). */
  exited: Promise<number | null>;
  stderr: () => string;
}

/**
 * `dr-replicator run --policy <file>` as a real child process, pointed at one emulator; `env`
 * adds to the environment (e.g. DR_REPLICATOR_SPOOL_DIR, so the spool and run lease are the
 * test's own).
 */
export function startRun(
  policyFile: string,
  emulator: { url: string; credentials: { accessKeyId: string; accessKeySecret: string } },
  env: NodeJS.ProcessEnv = {},
): CliRun {
  const child = spawn(process.execPath, [BIN, 'run', '--policy', policyFile], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DR_REPLICATOR_ENDPOINT: emulator.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.credentials.accessKeySecret,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, exited, stderr: () => stderr };
}

/**
 * kill -9 of the run as soon as `ready()` holds (polled every 2 ms against the emulator's own
 * view). Returns whether the signal went out before the run exited on its own, and the exit code.
 */
export async function killWhen(
  run: CliRun,
  ready: () => boolean,
): Promise<{ killed: boolean; exitCode: number | null }> {
  let done = false;
  let killed = false;
  void run.exited.then(() => {
    done = true;
  });
  while (!done) {
    if (ready()) {
      killed = run.child.kill('SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return { killed, exitCode: await run.exited };
}

/** kill -9 of a run still going (a test that timed out must not leave it behind). */
export function stopIfRunning(run: CliRun | undefined): void {
  if (run !== undefined && run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill('SIGKILL');
  }
}
