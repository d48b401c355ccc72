import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { orgJsonSchemaText } from '../../lib/org/json-schema.ts';
import { checkOrgFile } from '../../lib/org/load.ts';
import { buildOrgBundle } from '../../scripts/build-org.ts';
import { resolveVariables } from '../../scripts/deploy/service-file.ts';
import { createFc3PropsValidator } from '../deploy/support/fc3-schema.ts';

const root = path.resolve(import.meta.dirname, '../..');

interface Resource {
  component: string;
  props: Record<string, unknown> & {
    handler: string;
    timeout: number;
    asyncInvokeConfig?: Record<string, unknown>;
    environmentVariables?: Record<string, string>;
    triggers?: { triggerType: string; triggerConfig: { payload: string } }[];
  };
}

async function orgService(): Promise<Record<string, Resource>> {
  const doc = parse(await readFile(path.join(root, 's.org.yaml'), 'utf8')) as {
    vars: Record<string, unknown>;
    resources: Record<string, Resource>;
  };
  return resolveVariables(doc.resources, doc.vars, {
    config: { AccountID: '1000000000000001' },
  }) as Record<string, Resource>;
}

describe('s.org.yaml (the organisation deployment)', () => {
  it('declares a timer-triggered dispatcher and an async worker the fc3 schema accepts', async () => {
    const resources = await orgService();
    const validate = createFc3PropsValidator();
    for (const r of Object.values(resources)) expect(validate(r.props)).toEqual([]);
    const { dispatcher, worker } = resources;
    expect(dispatcher?.props.handler).toBe('index.dispatch');
    expect(dispatcher?.props.triggers?.[0]?.triggerType).toBe('timer');
    expect(worker?.props.handler).toBe('index.work');
    // Task ids need asyncTask; retries are safe (ClientToken) and bounded.
    expect(worker?.props.asyncInvokeConfig).toMatchObject({
      asyncTask: true,
      maxAsyncRetryAttempts: 2,
    });
    // The org's STS session must cover the worker's timeout.
    const orgFile = worker?.props.environmentVariables?.ORG_FILE ?? '';
    const { org } = await checkOrgFile(path.join(root, orgFile));
    expect(org?.sessionDurationSeconds).toBeGreaterThanOrEqual(worker?.props.timeout ?? Infinity);
    expect(org?.worker.functionName).toBe(worker?.props.functionName);
  });

  it('policies/org.schema.json is generated from the zod schema (npm run schema)', async () => {
    expect(await readFile(path.join(root, 'policies/org.schema.json'), 'utf8')).toBe(
      orgJsonSchemaText(),
    );
  });

  it('npm run build:org bundles dispatch and work with the org file and its policies', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'dr-org-build-'));
    try {
      const built = await buildOrgBundle({ rootDir: root, outDir: out });
      expect(built.files).toEqual(['org/organisation.yaml', 'policies/example.yaml']);
      const bundle = (await import(pathToFileURL(built.entryFile).href)) as Record<string, unknown>;
      expect(typeof bundle.dispatch).toBe('function');
      expect(typeof bundle.work).toBe('function');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
