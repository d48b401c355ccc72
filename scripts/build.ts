import { access, copyFile, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ReplicatorError } from '../lib/errors.ts';
import { loadPolicyFile } from '../lib/policy/load.ts';
import { inlineSlsProto } from './deploy/inline-sls-proto.ts';
import { type FunctionResource, policiesOf, readServiceFile } from './deploy/service-file.ts';

/**
 * `npm run build`: bundles the FC handler into the folder s.yaml deploys (`code: ./dist`) as one
 * ES module FC's nodejs20 runtime loads (`<module>.mjs` exporting the handler named in s.yaml),
 * and copies beside it every policy the functions read. s.yaml is the only input, so what is
 * built is what is deployed.
 */

export class BuildError extends ReplicatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('Build.Failed', message, options);
  }
}

export const HANDLER_SOURCE = 'functions/replicate/index.ts';

// pop-core, @alicloud/log and their dependencies are CommonJS and call require() for Node
// built-ins; an ES module has no require, so the bundle makes one.
// re2-wasm (the namePattern engine) loads re2.wasm from __dirname, which an ES module lacks:
// the banner defines it as the bundle's folder, and the build copies re2.wasm there.
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __drCreateRequire } from 'node:module';" +
  "import { dirname as __drDirname } from 'node:path';" +
  "import { fileURLToPath as __drFileURLToPath } from 'node:url';" +
  'const require = __drCreateRequire(import.meta.url);' +
  'const __dirname = __drDirname(__drFileURLToPath(import.meta.url));';

/** Files a bundled dependency reads at run time, copied beside the bundle. */
export const RUNTIME_ASSETS = ['node_modules/re2-wasm/build/wasm/re2.wasm'] as const;

export interface BuildOptions {
  rootDir: string;
  /** Defaults to the `code:` folder in s.yaml. */
  outDir?: string;
}

export interface BuildResult {
  outDir: string;
  /** Absolute path of the bundled handler module. */
  entryFile: string;
  handlerExport: string;
  bytes: number;
  /** Policy files copied, relative to outDir. */
  policies: string[];
  durationMs: number;
}

/** One bundle serves every function in s.yaml: they must agree on code folder and handler. */
function sharedFunction(functions: FunctionResource[]): FunctionResource {
  const [first, ...rest] = functions;
  if (first === undefined) throw new BuildError('s.yaml declares no fc3 function');
  for (const other of rest) {
    if (other.codeDir !== first.codeDir || other.handlerModule !== first.handlerModule) {
      throw new BuildError(
        `${other.resource}: every function must use code ${first.codeDir} and handler module ${first.handlerModule}`,
      );
    }
  }
  return first;
}

/** Policies are referenced relative to the code root; refuse anything that would escape it. */
function policyPath(rootDir: string, relative: string): string {
  const normalised = path.posix.normalize(relative);
  if (path.isAbsolute(normalised) || normalised.startsWith('..')) {
    throw new BuildError(`policy ${relative} must be a path inside the repository`);
  }
  return path.join(rootDir, normalised);
}

export async function buildBundle(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const rootDir = path.resolve(options.rootDir);
  const service = await readServiceFile(rootDir);
  const fn = sharedFunction(service.functions);
  const outDir = path.resolve(rootDir, options.outDir ?? fn.codeDir);
  if (outDir === rootDir) throw new BuildError('the output folder cannot be the repository root');
  const policies = [...new Set(service.functions.flatMap(policiesOf))].sort();

  // Checked before anything is written: a missing or invalid policy fails `s deploy` at its
  // pre-deploy build, not the function at its first tick, and leaves no half-built dist/.
  for (const policy of policies) {
    const file = policyPath(rootDir, policy);
    await access(file).catch((error: unknown) => {
      throw new BuildError(`s.yaml names policy ${policy}, which cannot be read`, { cause: error });
    });
    await loadPolicyFile(file).catch((error: unknown) => {
      throw new BuildError((error as Error).message, { cause: error });
    });
  }

  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const entryFile = path.join(outDir, `${fn.handlerModule}.mjs`);
  const result = await build({
    absWorkingDir: rootDir,
    entryPoints: [path.join(rootDir, HANDLER_SOURCE)],
    outfile: entryFile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    // Error classes name themselves from new.target.name; mangled names would reach records.
    keepNames: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'silent',
    plugins: [inlineSlsProto()],
    // pop-core's index also loads its ROA client (xml2js, xmlbuilder, sax: a fifth of the
    // bundle); only the RPC client is used, and the index re-exports it unchanged.
    alias: { '@alicloud/pop-core': '@alicloud/pop-core/lib/rpc.js' },
  }).catch((error: unknown) => {
    throw new BuildError(`esbuild failed: ${(error as Error).message}`, { cause: error });
  });

  const output = Object.entries(result.metafile.outputs).find(
    ([file]) => path.resolve(rootDir, file) === entryFile,
  );
  if (output === undefined || !output[1].exports.includes(fn.handlerExport)) {
    throw new BuildError(`${HANDLER_SOURCE} does not export ${fn.handlerExport}`);
  }

  for (const asset of RUNTIME_ASSETS) {
    await copyFile(path.join(rootDir, asset), path.join(outDir, path.basename(asset)));
  }

  for (const policy of policies) {
    const source = policyPath(rootDir, policy);
    const target = path.join(outDir, path.posix.normalize(policy));
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(source, target).catch((error: unknown) => {
      throw new BuildError(`s.yaml names policy ${policy}, which cannot be read`, { cause: error });
    });
  }

  return {
    outDir,
    entryFile,
    handlerExport: fn.handlerExport,
    bytes: (await stat(entryFile)).size,
    policies,
    durationMs: performance.now() - started,
  };
}

async function main(argv: string[]): Promise<number> {
  const outFlag = argv.indexOf('--outdir');
  const outDir = outFlag >= 0 ? argv[outFlag + 1] : undefined;
  try {
    const built = await buildBundle({ rootDir: process.cwd(), ...(outDir ? { outDir } : {}) });
    const relative = path.relative(process.cwd(), built.entryFile);
    process.stderr.write(
      `built ${relative} (${(built.bytes / 1024).toFixed(0)} KiB) with ${built.policies.length} ` +
        `polic${built.policies.length === 1 ? 'y' : 'ies'} in ${built.durationMs.toFixed(0)} ms\n`,
    );
    return 0;
  } catch (error) {
    const code = error instanceof ReplicatorError ? error.code : 'Build.Failed';
    process.stderr.write(`build: ${code}: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
