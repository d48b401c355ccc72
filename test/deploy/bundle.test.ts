import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import type { StsCredentials } from '../../emulator/protocol/credentials.ts';
import { type BuildResult, buildBundle } from '../../scripts/build.ts';
import { type Invocation, invokeBundle, timerEvent } from '../../scripts/deploy/invoke-bundle.ts';
import {
  type FunctionResource,
  policiesOf,
  readServiceFile,
} from '../../scripts/deploy/service-file.ts';
import { DEPLOYED, deployedWorld } from './support/deployed-world.ts';
import { REPO_ROOT } from './support/paths.ts';

/**
 * `npm run build` output, loaded the way FC loads it: a fresh plain-Node process imports the
 * handler s.yaml names from the code folder and gets one timer event per trigger in s.yaml.
 */
describe('the FC bundle', () => {
  let outDir: string;
  let built: BuildResult;
  let fn: FunctionResource;
  let emulator: RunningEmulator;
  let sts: StsCredentials;
  let invocation: Invocation;
  const now = new Date();

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'dr-bundle-'));
    built = await buildBundle({ rootDir: REPO_ROOT, outDir });
    const service = await readServiceFile(REPO_ROOT);
    const [first] = service.functions;
    if (!first) throw new Error('s.yaml declares no function');
    fn = first;
    emulator = await startEmulator({ world: deployedWorld(now), startTime: now });
    sts = emulator.admin.issueStsCredentials();
    invocation = await invokeBundle({
      codeDir: outDir,
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

  it('is one ES module, named as s.yaml`s handler, that exports the handler', () => {
    expect(path.basename(built.entryFile)).toBe(`${fn.handlerModule}.mjs`);
    expect(built.handlerExport).toBe(fn.handlerExport);
  });

  it('carries every policy s.yaml names, at the path the payload gives', () => {
    expect(policiesOf(fn).filter((file) => !existsSync(path.join(outDir, file)))).toEqual([]);
  });

  it('carries re2.wasm beside the handler: the namePattern engine loads it at start', () => {
    expect(existsSync(path.join(outDir, 're2.wasm'))).toBe(true);
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
