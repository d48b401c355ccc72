import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import type { StsCredentials } from '../../emulator/protocol/credentials.ts';
import {
  type BuildResult,
  type BuiltFunction,
  buildBundle,
  builtFunction,
} from '../../scripts/build.ts';
import { type Invocation, invokeBundle, timerEvent } from '../../scripts/deploy/invoke-bundle.ts';
import {
  type FunctionResource,
  policiesOf,
  readServiceFile,
} from '../../scripts/deploy/service-file.ts';
import { DEPLOYED, deployedWorld } from './support/deployed-world.ts';
import { REPO_ROOT } from './support/paths.ts';

const execFileAsync = promisify(execFile);

/**
 * `npm run build` output, loaded the way FC loads it: a fresh plain-Node process imports the
 * handler s.yaml names from the code folder and gets one timer event per trigger in s.yaml.
 */
describe('the FC bundle', () => {
  let outDir: string;
  let built: BuildResult;
  let fn: FunctionResource;
  /** The single-account replicator's code package. */
  let replicator: BuiltFunction;
  let emulator: RunningEmulator;
  let sts: StsCredentials;
  let invocation: Invocation;
  const now = new Date();

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'dr-bundle-'));
    built = await buildBundle({ rootDir: REPO_ROOT, outDir });
    const service = await readServiceFile(REPO_ROOT);
    const found = service.functions.find((f) => f.resource === 'replicator');
    if (!found) throw new Error('s.yaml declares no replicator function');
    fn = found;
    replicator = builtFunction(built, fn.resource);
    emulator = await startEmulator({ world: deployedWorld(now), startTime: now });
    sts = emulator.admin.issueStsCredentials();
    invocation = await invokeBundle({
      codeDir: replicator.codeDir,
      fn,
      events: fn.timers.map((timer) => timerEvent(timer, now)),
      credentials: {
        accessKeyId: sts.accessKeyId,
        accessKeySecret: sts.accessKeySecret,
        securityToken: sts.securityToken,
      },
      endpoint: emulator.url,
    });
  });

  afterAll(async () => {
    await emulator?.stop();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  const resultFor = (policyFile: string) =>
    invocation.results[fn.timers.findIndex((timer) => timer.policy === policyFile)];

  it('gives every function in s.yaml a code folder whose handler module, loaded by plain Node, exports its handler', async () => {
    const service = await readServiceFile(REPO_ROOT);
    expect(built.functions.map((f) => f.resource)).toEqual(
      service.functions.map((f) => f.resource),
    );
    for (const f of service.functions) {
      // code: ./dist/<folder> in s.yaml; the build's outDir stands in for dist/.
      const codeDir = path.join(
        outDir,
        path.posix.relative('dist', path.posix.normalize(f.codeDir)),
      );
      const file = path.join(codeDir, `${f.handlerModule}.mjs`);
      const { stdout } = await execFileAsync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(typeof m[${JSON.stringify(f.handlerExport)}]);`,
        ],
        { cwd: codeDir },
      );
      expect(stdout.trim(), f.resource).toBe('function');
      expect(existsSync(path.join(codeDir, 're2.wasm')), f.resource).toBe(true);
    }
  });

  it('ships the organisation file and its policies with the dispatcher and the worker', () => {
    for (const resource of ['dispatcher', 'worker']) {
      expect(builtFunction(built, resource).files).toEqual([
        'org/organisation.yaml',
        'policies/example.yaml',
      ]);
    }
  });

  it('is one ES module, named as s.yaml`s handler, that exports the handler', () => {
    expect(path.basename(replicator.entryFile)).toBe(`${fn.handlerModule}.mjs`);
    expect(replicator.handlerExport).toBe(fn.handlerExport);
  });

  it('carries every policy s.yaml names, at the path the payload gives', () => {
    expect(
      policiesOf(fn).filter((file) => !existsSync(path.join(replicator.codeDir, file))),
    ).toEqual([]);
  });

  it('carries re2.wasm beside the handler: the namePattern engine loads it at start', () => {
    expect(existsSync(path.join(replicator.codeDir, 're2.wasm'))).toBe(true);
  });

  it('runs the policy of each trigger: several policies, one function', () => {
    expect(invocation.results.map((r) => r.policy)).toEqual(
      fn.timers.map((timer) =>
        timer.policy === DEPLOYED.policyFile ? DEPLOYED.policyName : expect.any(String),
      ),
    );
    expect(new Set(invocation.results.map((r) => r.policy)).size).toBe(fn.timers.length);
  });

  it('completes a run of the deployed policy against the cloud, with the role credentials', () => {
    const result = resultFor(DEPLOYED.policyFile);
    expect(result?.exitCode).toBe(0);
    const totals = (result?.totals ?? {}) as Record<string, number>;
    expect(totals.started).toBeGreaterThan(0);
  });

  it('starts the copy the cloud was missing', () => {
    const copies = emulator.admin.calls({ action: 'CopySnapshot' }).filter((c) => c.code === 'OK');
    expect(copies.map((c) => c.params.SnapshotId)).toContain(DEPLOYED.uncopiedSnapshot);
  });

  it("records the run in the policy's own logstore, under the FC request id", () => {
    const index = fn.timers.findIndex((timer) => timer.policy === DEPLOYED.policyFile);
    const runs = emulator.sls.query(DEPLOYED.log.project, DEPLOYED.log.logstore, {
      from: Math.floor(now.getTime() / 1000) - 60,
      to: Math.floor(Date.now() / 1000) + 60,
      query: 'kind: run',
    });
    expect(runs.map((log) => log.contents.runId)).toEqual([`${invocation.requestId}-${index + 1}`]);
  });

  it('logs JSON lines only, and never the role secret or token', () => {
    const lines = invocation.stdout.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const output = invocation.stdout + invocation.stderr;
    expect(output).not.toContain(sts.accessKeySecret);
    expect(output).not.toContain(sts.securityToken);
  });
});
