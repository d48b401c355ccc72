import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CliIo } from '../../lib/cli/io.ts';
import type { PolicyInput } from '../../lib/policy/schema.ts';

/** CLI io that records what a command prints; env and cwd are the test's own. */
export function captureIo(env: NodeJS.ProcessEnv, cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    env,
    cwd,
    isTTY: false,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** The environment that points the product at one emulator. */
export function emulatorEnv(emulator: {
  url: string;
  credentials: { accessKeyId: string; accessKeySecret: string };
}): NodeJS.ProcessEnv {
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: emulator.credentials.accessKeySecret,
    DR_REPLICATOR_ENDPOINT: emulator.url,
  };
}

/** Writes a policy as YAML and returns its path. */
export async function writePolicy(dir: string, file: string, policy: PolicyInput): Promise<string> {
  const path = join(dir, file);
  await writeFile(path, stringify(policy), 'utf8');
  return path;
}
