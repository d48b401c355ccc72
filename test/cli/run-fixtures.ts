import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { parse, stringify } from 'yaml';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import type { CliIo } from '../../lib/cli/io.ts';
import { main } from '../../lib/cli/main.ts';
import type { PolicyInput } from '../../lib/policy/schema.ts';
import type { LogRecord } from '../../lib/records/types.ts';

/**
 * Shared by the plan, run and handler tests: an in-process emulator of the demo world, CLI io
 * that captures output, and policies derived from policies/example.yaml.
 */

export const EXAMPLE_POLICY = path.resolve(import.meta.dirname, '../../policies/example.yaml');

export interface CapturedIo extends CliIo {
  out: string[];
  err: string[];
  stdoutText(): string;
  stderrText(): string;
}

export function captureIo(
  env: NodeJS.ProcessEnv,
  options: { isTTY?: boolean; cwd?: string } = {},
): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    cwd: options.cwd ?? process.cwd(),
    isTTY: options.isTTY ?? false,
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
  };
}

/** The environment a CLI user sets to point every service at the emulator. */
export function emulatorEnv(emulator: RunningEmulator): NodeJS.ProcessEnv {
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.credentials.accessKeySecret,
    DR_REPLICATOR_ENDPOINT: emulator.url,
    ...isolatedStateEnv(),
  };
}

/**
 * A state folder of its own (record spool, run leases), not the home folder of whoever tests:
 * runs that share one would yield to each other's leases.
 */
export function isolatedStateEnv(): NodeJS.ProcessEnv {
  return { DR_REPLICATOR_SPOOL_DIR: path.join(tmpdir(), `dr-spool-test-${randomUUID()}`) };
}

/**
 * Registers what every CLI suite needs: one demo cloud per file, reset and given a fresh
 * workspace before each test. Read `emulator` and `ws` inside tests and hooks, not at collection.
 */
export function useDemoCloud(): { readonly emulator: RunningEmulator; readonly ws: Workspace } {
  let emulator: RunningEmulator | undefined;
  let ws: Workspace | undefined;
  beforeAll(async () => {
    emulator = await startDemoCloud();
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  beforeEach(async () => {
    emulator?.admin.reset();
    // The demo cloud keeps real time: the example policy's restore drill gets disks that fill
    // at once, so a CLI run does not wait half a minute for one (test/engine covers the wait).
    emulator?.admin.setCopyModel({ restoreGiBps: 1e9, restoreMinSeconds: 0 });
    ws = await workspace();
  });
  afterEach(async () => {
    await ws?.remove();
  });
  return {
    get emulator() {
      if (!emulator) throw new Error('useDemoCloud: the emulator starts in beforeAll');
      return emulator;
    },
    get ws() {
      if (!ws) throw new Error('useDemoCloud: the workspace is made in beforeEach');
      return ws;
    },
  };
}

export async function startDemoCloud(): Promise<RunningEmulator> {
  return startEmulator({ world: 'demo', seed: 7 });
}

export async function cli(io: CliIo, ...args: string[]): Promise<number> {
  return main(['node', 'dr-replicator', ...args], io);
}

export interface Workspace {
  dir: string;
  /** Writes the example policy, changed by `edit`, and returns its path. */
  policy(name: string, edit?: (policy: PolicyInput) => void): Promise<string>;
  /** Records a file log target received (JSON lines). */
  records(file?: string): Promise<LogRecord[]>;
  remove(): Promise<void>;
}

export const RECORDS_FILE = 'records.jsonl';

/**
 * A temp folder for policies. By default a policy logs to records.jsonl beside it (so tests can
 * read records back) and gives Singapore its key, so encrypted sources can go there too: the
 * example policy as shipped leaves that destination without one.
 */
export async function workspace(): Promise<Workspace> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dr-cli-test-'));
  return {
    dir,
    async policy(name, edit) {
      const policy = parse(await readFile(EXAMPLE_POLICY, 'utf8')) as PolicyInput;
      policy.log = { type: 'file', path: RECORDS_FILE };
      for (const dest of policy.destinations) {
        if (dest.region === 'ap-southeast-1') dest.kmsKeyId = 'key-demo-singapore';
      }
      edit?.(policy);
      const file = path.join(dir, name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, stringify(policy), 'utf8');
      return file;
    },
    async records(file = RECORDS_FILE) {
      const text = await readFile(path.join(dir, file), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as LogRecord);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
