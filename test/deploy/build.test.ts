import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuildError, buildBundle } from '../../scripts/build.ts';

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
    await serviceFile(fc3('a', './dist', '{"policy":"policies/missing.yaml"}'));
    await expect(buildBundle({ rootDir: root })).rejects.toThrow(/policies\/missing\.yaml/);
  });

  it('refuses a policy path that leaves the repository', async () => {
    await mkdir(path.join(root, 'policies'));
    await serviceFile(fc3('a', './dist', '{"policy":"../outside.yaml"}'));
    await expect(buildBundle({ rootDir: root })).rejects.toBeInstanceOf(BuildError);
  });

  it('refuses a policy that does not validate, with its file:line:col problems', async () => {
    await mkdir(path.join(root, 'policies'));
    await writeFile(path.join(root, 'policies', 'p.yaml'), 'name: p\nschedule: "@every 60m"\n');
    await serviceFile(fc3('a', './dist', '{"policy":"policies/p.yaml"}'));
    await expect(buildBundle({ rootDir: root })).rejects.toThrow(/p\.yaml:\d+:\d+/);
  });

  it('refuses functions that would need two different bundles', async () => {
    await mkdir(path.join(root, 'policies'));
    await writeFile(path.join(root, 'policies', 'p.yaml'), 'name: p\n');
    const payload = '{"policy":"policies/p.yaml"}';
    await serviceFile(fc3('a', './dist', payload) + fc3('b', './other', payload));
    await expect(buildBundle({ rootDir: root })).rejects.toThrow(/every function must use code/);
  });
});
