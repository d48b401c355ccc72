import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduleIntervalMs } from '../../lib/ops/schedule.ts';
import { loadOrgFile } from '../../lib/org/load.ts';
import { policyPath } from '../../lib/org/targets.ts';
import { parseSchedule } from '../../lib/policy/cron.ts';
import { loadPolicyFile } from '../../lib/policy/load.ts';
import type { Policy } from '../../lib/policy/schema.ts';
import {
  type FunctionResource,
  policiesOf,
  readServiceFile,
  type ServiceFile,
} from '../../scripts/deploy/service-file.ts';
import { createFc3PropsValidator } from './support/fc3-schema.ts';
import { REPO_ROOT } from './support/paths.ts';

/** s.yaml as `s deploy` sees it, checked before anything is deployed. */
describe('s.yaml', () => {
  let service: ServiceFile;
  let functions: FunctionResource[];
  const policies = new Map<string, Policy>();

  beforeAll(async () => {
    service = await readServiceFile(REPO_ROOT);
    functions = service.functions;
    for (const file of new Set(functions.flatMap(policiesOf))) {
      policies.set(file, await loadPolicyFile(path.join(REPO_ROOT, file)));
    }
  });

  const timers = () => functions.flatMap((fn) => fn.timers.map((timer) => ({ fn, timer })));
  const orgTimers = () => functions.flatMap((fn) => fn.orgTimers.map((timer) => ({ fn, timer })));
  const policyOf = (file: string): Policy => {
    const policy = policies.get(file);
    if (!policy) throw new Error(`policy ${file} was not loaded`);
    return policy;
  };

  it('declares at least one fc3 function with a policy timer trigger', () => {
    expect(functions.length).toBeGreaterThan(0);
    expect(timers().length).toBeGreaterThan(0);
  });

  it('gives every fc3 resource props that the fc3 props schema accepts', () => {
    const validate = createFc3PropsValidator();
    const problems = functions.flatMap((fn) =>
      validate(fn.props).map((problem) => `${fn.resource}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it('declares the replicator, the dispatcher and the worker', () => {
    expect(functions.map((fn) => `${fn.resource} ${fn.props.handler}`)).toEqual([
      'replicator index.handler',
      'dispatcher index.dispatch',
      'worker index.work',
    ]);
  });

  it('runs each function on nodejs20 from its own code folder under dist/, as the build writes', () => {
    for (const fn of functions) {
      expect(fn.props.runtime).toBe('nodejs20');
      expect(path.posix.dirname(path.posix.normalize(fn.codeDir)), fn.resource).toBe('dist');
    }
    const folders = functions.map((fn) => path.posix.normalize(fn.codeDir));
    expect(new Set(folders).size).toBe(folders.length);
  });

  it('names a policy file that exists in every timer payload and in POLICY_FILE', () => {
    const missing = functions
      .flatMap(policiesOf)
      .filter((file) => !existsSync(path.join(REPO_ROOT, file)));
    expect(missing).toEqual([]);
  });

  it('gives every trigger of a function a distinct name', () => {
    for (const fn of functions) {
      const names = fn.timers.map((timer) => timer.triggerName);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it("sets each timer's cron to its policy's schedule, zone prefix included", () => {
    const mismatched = timers()
      .filter(({ timer }) => timer.cronExpression.trim() !== policyOf(timer.policy).schedule.trim())
      .map(
        ({ timer }) =>
          `${timer.triggerName}: "${timer.cronExpression}" vs ${timer.policy} "${policyOf(timer.policy).schedule}"`,
      );
    expect(mismatched).toEqual([]);
  });

  it('sets a cron FC accepts on every timer (6 fields or @every, known zone)', () => {
    for (const { timer } of timers()) {
      expect(() => parseSchedule(timer.cronExpression), timer.triggerName).not.toThrow();
    }
  });

  it('ends every run before the next tick of the same policy', () => {
    const overlapping = timers()
      .map(({ fn, timer }) => ({
        timer,
        timeoutMs: fn.timeoutSeconds * 1000,
        gapMs: scheduleIntervalMs(parseSchedule(timer.cronExpression)),
      }))
      .filter(({ timeoutMs, gapMs }) => timeoutMs >= gapMs)
      .map(
        ({ timer, timeoutMs, gapMs }) => `${timer.triggerName}: timeout ${timeoutMs} >= ${gapMs}`,
      );
    expect(overlapping).toEqual([]);
  });

  it('drops a queued timer event before the next tick would fire', () => {
    for (const { fn, timer } of timers()) {
      const config = fn.props.asyncInvokeConfig as { maxAsyncEventAgeInSeconds?: number };
      expect(config?.maxAsyncEventAgeInSeconds, fn.resource).toBeDefined();
      const gapMs = scheduleIntervalMs(parseSchedule(timer.cronExpression));
      expect((config.maxAsyncEventAgeInSeconds ?? 0) * 1000).toBeLessThan(gapMs);
    }
  });

  it('enables every timer trigger', () => {
    expect(timers().filter(({ timer }) => !timer.enable)).toEqual([]);
    expect(orgTimers().filter(({ timer }) => !timer.enable)).toEqual([]);
  });

  it('dispatches the organisation at least as often as its most frequent policy, and ends first', async () => {
    expect(orgTimers().length).toBeGreaterThan(0);
    for (const { fn, timer } of orgTimers()) {
      const gapMs = scheduleIntervalMs(parseSchedule(timer.cronExpression));
      const orgFile = path.join(REPO_ROOT, timer.org);
      const org = await loadOrgFile(orgFile);
      for (const ref of org.policies) {
        const policy = await loadPolicyFile(policyPath(orgFile, ref.file));
        expect(gapMs, ref.file).toBeLessThanOrEqual(
          scheduleIntervalMs(parseSchedule(policy.schedule)),
        );
      }
      expect(fn.timeoutSeconds * 1000).toBeLessThan(gapMs);
      const config = fn.props.asyncInvokeConfig as { maxAsyncEventAgeInSeconds?: number };
      expect((config?.maxAsyncEventAgeInSeconds ?? Infinity) * 1000).toBeLessThan(gapMs);
      expect(fn.environment.ORG_FILE, fn.resource).toBe(timer.org);
    }
  });

  it('keeps one JSON record per log entry: logBeginRule None, not the date-led DefaultRegex', () => {
    for (const fn of functions) {
      const logConfig = fn.props.logConfig as { logBeginRule?: string } | undefined;
      expect(logConfig?.logBeginRule, fn.resource).toBe('None');
    }
  });

  it("fits every function's heap limit to its memory: --max-old-space-size at 3/4 of memorySize", () => {
    for (const fn of functions) {
      const memory = fn.props.memorySize;
      const limit = /--max-old-space-size=(\d+)/.exec(fn.environment.NODE_OPTIONS ?? '')?.[1];
      expect(typeof memory, fn.resource).toBe('number');
      expect(Number(limit), fn.resource).toBe(((memory as number) * 3) / 4);
    }
  });

  it('sets no instanceConcurrency, which FC 3.0 standard runtimes do not support, nor relies on it', () => {
    for (const fn of functions)
      expect(fn.props, fn.resource).not.toHaveProperty('instanceConcurrency');
    const text = readFileSync(path.join(REPO_ROOT, 's.yaml'), 'utf8');
    expect(text).not.toMatch(/instanceConcurrency|one invocation per instance/i);
  });
});
