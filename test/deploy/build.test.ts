import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildError, buildBundle } from '../../scripts/build.ts';
import { REPO_ROOT } from './support/paths.ts';

const fc3 = (name: string, code: string, payload: string) => `
  ${name}:
    component: fc3
    props:
      region: cn-hangzhou
      functionName: ${name}
      runtime: nodejs20
      code: ${code}
      handler: index.handler
      triggers:
        - triggerName: t
          triggerType: timer
          triggerConfig: { cronExpression: '@every 60m', enable: true, payload: '${payload}' }
`;

/** The build's refusals; the happy path is bundle.test.ts. */
describe('buildBundle', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'dr-build-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const serviceFile = (resources: string) =>
    writeFile(path.join(root, 's.yaml'), `edition: 3.0.0\nname: t\nresources:${resources}`);

  it('refuses to build when s.yaml names a policy that does not exist', async () => {
    await serviceFile(fc3('a', './dist/a', '{"policy":"policies/missing.yaml"}'));
    await expect(buildBundle({ rootDir: root })).rejects.toThrow(/policies\/missing\.yaml/);
  });

  it('refuses a policy path that leaves the repository', async () => {
    await mkdir(path.join(root, 'policies'));
    await serviceFile(fc3('a', './dist/a', '{"policy":"../outside.yaml"}'));
    await expect(buildBundle({ rootDir: root })).rejects.toBeInstanceOf(BuildError);
  });

  it('refuses a policy that does not validate, with its file:line:col problems', async () => {
    await mkdir(path.join(root, 'policies'));
    await writeFile(path.join(root, 'policies', 'p.yaml'), 'name: p\nschedule: "@every 60m"\n');
    await serviceFile(fc3('a', './dist/a', '{"policy":"policies/p.yaml"}'));
    await expect(buildBundle({ rootDir: root })).rejects.toThrow(/p\.yaml:\d+:\d+/);
  });

  // A valid policy, so each refusal below is the one named, not the policy's.
  const validPolicy = async () => {
    await mkdir(path.join(root, 'policies'), { recursive: true });
    await copyFile(
      path.join(REPO_ROOT, 'policies', 'example.yaml'),
      path.join(root, 'policies', 'p.yaml'),
    );
  };

  it('refuses two functions sharing one code folder: each gets its own code package', async () => {
    await validPolicy();
    const payload = '{"policy":"policies/p.yaml"}';
    await serviceFile(fc3('a', './dist/x', payload) + fc3('b', './dist/x', payload));
    await expect(buildBundle({ rootDir: root })).rejects.toThrow(
      /every function has its own code folder/,
    );
  });

  it('refuses a code folder outside dist/', async () => {
    await validPolicy();
    await serviceFile(fc3('a', './other', '{"policy":"policies/p.yaml"}'));
    await expect(buildBundle({ rootDir: root })).rejects.toThrow(
      /must be a folder of its own under dist\//,
    );
  });

  it('refuses a handler no source exports', async () => {
    await validPolicy();
    await serviceFile(
      fc3('a', './dist/a', '{"policy":"policies/p.yaml"}').replace('index.handler', 'index.nope'),
    );
    await expect(buildBundle({ rootDir: root })).rejects.toThrow(/no source exports handler nope/);
  });

  it('refuses an organisation file that does not validate, before writing anything', async () => {
    await mkdir(path.join(root, 'org'));
    await writeFile(path.join(root, 'org', 'o.yaml'), 'name: acme\npolicies: []\n');
    await serviceFile(
      fc3('d', './dist/d', '{"org":"org/o.yaml"}').replace('index.handler', 'index.dispatch'),
    );
    await expect(buildBundle({ rootDir: root })).rejects.toThrow(/o\.yaml:\d+:\d+/);
    expect(existsSync(path.join(root, 'dist'))).toBe(false);
  });
});
