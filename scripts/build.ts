import { access, copyFile, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions as EsbuildOptions } from 'esbuild';
import { Code } from '../lib/codes.ts';
import { ReplicatorError } from '../lib/errors.ts';
import { loadOrgFile } from '../lib/org/load.ts';
import { policyPath } from '../lib/org/targets.ts';
import { loadPolicyFile } from '../lib/policy/load.ts';
import { inlineSlsProto } from './deploy/inline-sls-proto.ts';
import {
  type FunctionResource,
  orgFilesOf,
  policiesOf,
  readServiceFile,
} from './deploy/service-file.ts';

/**
 * `npm run build`: one code package per function in s.yaml. Each function's `code:` folder under
 * dist/ gets one ES module FC's nodejs20 runtime loads (`<module>.mjs` exporting the handler
 * s.yaml names, bundled from the source that exports it and nothing else), the runtime assets
 * every bundle needs, and the files that function reads: the policies its timers and
 * POLICY_FILE name, or the organisation file (ORG_FILE) and every policy it names. s.yaml is the
 * only input, so what is built is what is deployed.
 */

export class BuildError extends ReplicatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(Code.BuildFailed, message, options);
  }
}

/** Every `code:` folder lives under here; `--outdir` moves the whole tree (tests, bench). */
const DIST_DIR = 'dist';

/** Which source module exports each handler s.yaml may name. */
const HANDLER_SOURCES = {
  handler: 'functions/replicate/index.ts',
  dispatch: 'functions/org/index.ts',
  work: 'functions/org/index.ts',
} as const satisfies Record<string, string>;

/** The single-account replication handler (the RAM policy generator reads its imports). */
export const HANDLER_SOURCE = HANDLER_SOURCES.handler;

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

/** How a function's code is bundled; bench/scale.ts bundles its planner the same way. */
export const FUNCTION_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: ESM_REQUIRE_BANNER },
  minify: true,
  // Error classes name themselves from new.target.name; mangled names would reach records.
  keepNames: true,
  logLevel: 'silent',
  plugins: [inlineSlsProto()],
  // pop-core's index also loads its ROA client (xml2js, xmlbuilder, sax: a fifth of the
  // bundle); only the RPC client is used, and the index re-exports it unchanged.
  alias: { '@alicloud/pop-core': '@alicloud/pop-core/lib/rpc.js' },
} as const satisfies EsbuildOptions;

/** Files a bundled dependency reads at run time, copied beside every bundle. */
export const RUNTIME_ASSETS = ['node_modules/re2-wasm/build/wasm/re2.wasm'] as const;

export interface BuildOptions {
  rootDir: string;
  /** Stands in for dist/: a function with `code: ./dist/x` is built into `<outDir>/x`. */
  outDir?: string;
}

export interface BuiltFunction {
  /** The key under `resources:` in s.yaml. */
  resource: string;
  /** Absolute path of the function's code folder (what `s deploy` zips). */
  codeDir: string;
  /** Absolute path of the bundled handler module. */
  entryFile: string;
  handlerExport: string;
  /** The source module the handler was bundled from. */
  source: string;
  bytes: number;
  /** Policy and organisation files copied, relative to codeDir. */
  files: string[];
}

export interface BuildResult {
  outDir: string;
  functions: BuiltFunction[];
  durationMs: number;
}

/** The built function for an s.yaml resource; throws when the build made none. */
export function builtFunction(result: BuildResult, resource: string): BuiltFunction {
  const found = result.functions.find((fn) => fn.resource === resource);
  if (!found) throw new BuildError(`the build made no function ${resource}`);
  return found;
}

/** Paths are relative to the repository root; refuse anything that would escape it. */
function insideRoot(rootDir: string, relative: string, what: string): string {
  const normalised = path.posix.normalize(relative);
  if (path.isAbsolute(normalised) || normalised.startsWith('..')) {
    throw new BuildError(`${what} ${relative} must be a path inside the repository`);
  }
  return path.join(rootDir, normalised);
}

interface FunctionPlan {
  fn: FunctionResource;
  /** The code folder below dist/, e.g. `replicator`. */
  folder: string;
  source: string;
  /** Absolute paths of the files the function reads, all checked. */
  files: string[];
}

function sourceOf(fn: FunctionResource): string {
  const source = (HANDLER_SOURCES as Record<string, string>)[fn.handlerExport];
  if (source === undefined) {
    throw new BuildError(
      `${fn.resource}: no source exports handler ${fn.handlerExport} (known: ${Object.keys(HANDLER_SOURCES).join(', ')})`,
    );
  }
  return source;
}

function folderOf(fn: FunctionResource): string {
  const folder = path.posix.relative(DIST_DIR, path.posix.normalize(fn.codeDir));
  if (folder === '' || folder.startsWith('..') || path.posix.isAbsolute(folder)) {
    throw new BuildError(
      `${fn.resource}: code ${fn.codeDir} must be a folder of its own under ${DIST_DIR}/ (one code package per function)`,
    );
  }
  return folder;
}

/** Policies the function names, and its organisation file with every policy in it: all validated. */
async function filesOf(rootDir: string, fn: FunctionResource): Promise<string[]> {
  const files: string[] = [];
  for (const policy of policiesOf(fn)) {
    const file = insideRoot(rootDir, policy, 'policy');
    await access(file).catch((error: unknown) => {
      throw new BuildError(`s.yaml names policy ${policy}, which cannot be read`, { cause: error });
    });
    await loadPolicyFile(file).catch((error: unknown) => {
      throw new BuildError((error as Error).message, { cause: error });
    });
    files.push(file);
  }
  for (const orgRef of orgFilesOf(fn)) {
    const orgFile = insideRoot(rootDir, orgRef, 'organisation file');
    const org = await loadOrgFile(orgFile).catch((error: unknown) => {
      throw new BuildError((error as Error).message, { cause: error });
    });
    files.push(orgFile);
    for (const ref of org.policies) {
      const file = policyPath(orgFile, ref.file);
      insideRoot(rootDir, path.relative(rootDir, file), 'policy');
      await loadPolicyFile(file).catch((error: unknown) => {
        throw new BuildError((error as Error).message, { cause: error });
      });
      files.push(file);
    }
  }
  return [...new Set(files)].sort();
}

async function bundleHandler(
  rootDir: string,
  plan: FunctionPlan,
  entryFile: string,
): Promise<void> {
  const { fn } = plan;
  // A re-export as the entry: the bundle holds this handler and what it imports, nothing more.
  const result = await build({
    absWorkingDir: rootDir,
    stdin: {
      contents: `export { ${fn.handlerExport} } from './${plan.source}';\n`,
      resolveDir: rootDir,
      sourcefile: `${fn.resource}.entry.ts`,
      loader: 'ts',
    },
    outfile: entryFile,
    ...FUNCTION_BUNDLE_OPTIONS,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
  }).catch((error: unknown) => {
    throw new BuildError(`${fn.resource}: esbuild failed: ${(error as Error).message}`, {
      cause: error,
    });
  });
  const output = Object.entries(result.metafile.outputs).find(
    ([file]) => path.resolve(rootDir, file) === entryFile,
  );
  if (output === undefined || !output[1].exports.includes(fn.handlerExport)) {
    throw new BuildError(`${plan.source} does not export ${fn.handlerExport}`);
  }
}

export async function buildBundle(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const rootDir = path.resolve(options.rootDir);
  const service = await readServiceFile(rootDir);
  if (service.functions.length === 0) throw new BuildError('s.yaml declares no fc3 function');
  const outDir = path.resolve(rootDir, options.outDir ?? DIST_DIR);
  if (outDir === rootDir) throw new BuildError('the output folder cannot be the repository root');

  // Checked before anything is written: a missing or invalid policy or organisation file fails
  // `s deploy` at its pre-deploy build, not the function at its first tick, and leaves no
  // half-built dist/.
  const plans: FunctionPlan[] = [];
  for (const fn of service.functions) {
    const folder = folderOf(fn);
    const sharing = plans.find((plan) => plan.folder === folder);
    if (sharing) {
      throw new BuildError(
        `${fn.resource}: code ${fn.codeDir} is also ${sharing.fn.resource}'s: every function has its own code folder`,
      );
    }
    plans.push({ fn, folder, source: sourceOf(fn), files: await filesOf(rootDir, fn) });
  }

  await rm(outDir, { recursive: true, force: true });
  const functions: BuiltFunction[] = [];
  for (const plan of plans) {
    const codeDir = path.join(outDir, plan.folder);
    await mkdir(codeDir, { recursive: true });
    const entryFile = path.join(codeDir, `${plan.fn.handlerModule}.mjs`);
    await bundleHandler(rootDir, plan, entryFile);
    for (const asset of RUNTIME_ASSETS) {
      await copyFile(path.join(rootDir, asset), path.join(codeDir, path.basename(asset)));
    }
    const copied: string[] = [];
    for (const file of plan.files) {
      const relative = path.relative(rootDir, file);
      const target = path.join(codeDir, relative);
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(file, target);
      copied.push(relative.split(path.sep).join('/'));
    }
    functions.push({
      resource: plan.fn.resource,
      codeDir,
      entryFile,
      handlerExport: plan.fn.handlerExport,
      source: plan.source,
      bytes: (await stat(entryFile)).size,
      files: copied,
    });
  }
  return { outDir, functions, durationMs: performance.now() - started };
}

async function main(argv: string[]): Promise<number> {
  const outFlag = argv.indexOf('--outdir');
  const outDir = outFlag >= 0 ? argv[outFlag + 1] : undefined;
  try {
    const built = await buildBundle({ rootDir: process.cwd(), ...(outDir ? { outDir } : {}) });
    for (const fn of built.functions) {
      process.stderr.write(
        `built ${fn.resource}: ${path.relative(process.cwd(), fn.entryFile)} ` +
          `(${(fn.bytes / 1024).toFixed(0)} KiB) with ${fn.files.join(', ') || 'no files'}\n`,
      );
    }
    process.stderr.write(`in ${built.durationMs.toFixed(0)} ms\n`);
    return 0;
  } catch (error) {
    const code = error instanceof ReplicatorError ? error.code : Code.BuildFailed;
    process.stderr.write(`build: ${code}: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
