import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FunctionResource, TimerTrigger } from './service-file.ts';

const run = promisify(execFile);
const FC_INVOKE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fc-invoke.mjs');

export interface RoleCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface Invocation {
  results: Record<string, unknown>[];
  /** Peak resident memory of the function process, KiB. */
  maxRssKb: number;
  stdout: string;
  stderr: string;
  /** The FC request id of event i is `${requestId}-${i + 1}`. */
  requestId: string;
}

/** The event FC sends when `timer` fires. */
export function timerEvent(timer: TimerTrigger, at: Date) {
  return {
    triggerTime: at.toISOString().replace(/\.\d+Z$/, 'Z'),
    triggerName: timer.triggerName,
    payload: JSON.stringify({ policy: timer.policy }),
  };
}

/**
 * Runs the built function in a fresh Node process, as FC would: cwd and FC_FUNC_CODE_PATH at
 * the code folder, s.yaml's environment, the role's STS credentials in the context, and
 * DR_REPLICATOR_ENDPOINT pointing every service at the emulator.
 */
export async function invokeBundle(options: {
  codeDir: string;
  fn: FunctionResource;
  events: unknown[];
  credentials: RoleCredentials;
  endpoint: string;
}): Promise<Invocation> {
  const { codeDir, fn } = options;
  const scratch = await mkdtemp(path.join(tmpdir(), 'dr-invoke-'));
  const resultFile = path.join(scratch, 'result.json');
  const requestId = `fc-req-${process.pid}`;
  const context = {
    requestId,
    credentials: options.credentials,
    function: {
      name: String(fn.props.functionName),
      handler: `${fn.handlerModule}.${fn.handlerExport}`,
      memory: Number(fn.props.memorySize),
      timeout: fn.timeoutSeconds,
    },
    region: String(fn.props.region),
  };
  try {
    const { stdout, stderr } = await run(process.execPath, [FC_INVOKE], {
      cwd: codeDir,
      env: {
        PATH: process.env.PATH ?? '',
        ...fn.environment,
        FC_FUNC_CODE_PATH: codeDir,
        DR_REPLICATOR_ENDPOINT: options.endpoint,
        // A fresh instance: its /tmp (where pending records are kept) starts empty.
        DR_REPLICATOR_SPOOL_DIR: path.join(codeDir, '.instance-tmp'),
        // The emulator's logstore indexes a claim at once: the lease need not wait 3 s.
        DR_REPLICATOR_CLAIM_SETTLE_MS: '200',
        FC_HANDLER: `${fn.handlerModule}.${fn.handlerExport}`,
        FC_EVENTS: JSON.stringify(options.events),
        FC_CONTEXT: JSON.stringify(context),
        FC_RESULT_FILE: resultFile,
      },
      maxBuffer: 32 * 1024 * 1024,
    });
    const { results, maxRssKb } = JSON.parse(await readFile(resultFile, 'utf8')) as {
      results: Record<string, unknown>[];
      maxRssKb: number;
    };
    return { results, maxRssKb, stdout, stderr, requestId };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
