/**
 * `npm run build:org`: bundles the organisation functions (functions/org: `dispatch` and
 * `work`) into dist-org/index.mjs for s.org.yaml, and copies the organisation file
 * (ORG_FILE, default org/organisation.yaml) and every policy it names beside the bundle.
 */
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ReplicatorError } from '../lib/errors.ts';
import { loadOrgFile } from '../lib/org/load.ts';
import { policyPath } from '../lib/org/targets.ts';
import { loadPolicyFile } from '../lib/policy/load.ts';
import { ESM_REQUIRE_BANNER, RUNTIME_ASSETS } from './build.ts';
import { inlineSlsProto } from './deploy/inline-sls-proto.ts';

export const ORG_HANDLER_SOURCE = 'functions/org/index.ts';
export const ORG_EXPORTS = ['dispatch', 'work'] as const;

export class OrgBuildError extends ReplicatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('Build.Failed', message, options);
  }
}

function inside(rootDir: string, file: string): string {
  const relative = path.relative(rootDir, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new OrgBuildError(`${file} must be inside the repository`);
  }
  return relative;
}

export async function buildOrgBundle(options: {
  rootDir: string;
  outDir?: string;
  orgFile?: string;
}): Promise<{ entryFile: string; bytes: number; files: string[] }> {
  const rootDir = path.resolve(options.rootDir);
  const outDir = path.resolve(rootDir, options.outDir ?? 'dist-org');
  const orgFile = path.resolve(rootDir, options.orgFile ?? 'org/organisation.yaml');
  // Everything is validated before anything is written: a bad org file fails the deploy.
  const org = await loadOrgFile(orgFile).catch((error: unknown) => {
    throw new OrgBuildError((error as Error).message, { cause: error });
  });
  const files = [orgFile];
  for (const ref of org.policies) {
    const file = policyPath(orgFile, ref.file);
    await loadPolicyFile(file).catch((error: unknown) => {
      throw new OrgBuildError((error as Error).message, { cause: error });
    });
    files.push(file);
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const entryFile = path.join(outDir, 'index.mjs');
  const result = await build({
    absWorkingDir: rootDir,
    entryPoints: [path.join(rootDir, ORG_HANDLER_SOURCE)],
    outfile: entryFile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [inlineSlsProto()],
    alias: { '@alicloud/pop-core': '@alicloud/pop-core/lib/rpc.js' },
  }).catch((error: unknown) => {
    throw new OrgBuildError(`esbuild failed: ${(error as Error).message}`, { cause: error });
  });
  const output = Object.entries(result.metafile.outputs).find(
    ([file]) => path.resolve(rootDir, file) === entryFile,
  );
  const missing = ORG_EXPORTS.filter((name) => !output?.[1].exports.includes(name));
  if (missing.length > 0)
    throw new OrgBuildError(`${ORG_HANDLER_SOURCE} does not export ${missing.join(', ')}`);
  const copied: string[] = [];
  for (const file of files) {
    const relative = inside(rootDir, file);
    const target = path.join(outDir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(file, target);
    copied.push(relative);
  }
  for (const asset of RUNTIME_ASSETS) {
    await copyFile(path.join(rootDir, asset), path.join(outDir, path.basename(asset)));
  }
  return { entryFile, bytes: (await stat(entryFile)).size, files: copied };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const built = await buildOrgBundle({
      rootDir: process.cwd(),
      ...(process.env.ORG_FILE ? { orgFile: process.env.ORG_FILE } : {}),
    });
    process.stderr.write(
      `built ${path.relative(process.cwd(), built.entryFile)} (${(built.bytes / 1024).toFixed(0)} KiB) with ${built.files.join(', ')}\n`,
    );
  } catch (error) {
    process.stderr.write(
      `build:org: ${(error as ReplicatorError).code ?? 'Build.Failed'}: ${(error as Error).message}\n`,
    );
    process.exitCode = 1;
  }
}
