import { readFile, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { Code } from '../lib/codes.ts';
import { ReplicatorError } from '../lib/errors.ts';

/**
 * `npm run build:cli` (and `prepare`, so `npm ci` and `npm pack` run it): compiles the CLI to
 * plain JavaScript in build/cli/, the package's bin, so a start-up pays no TypeScript
 * transform. Our code is bundled and split per command (each command a chunk main.ts loads on
 * demand: `validate` never loads an SDK); npm packages stay imports, resolved from the
 * installed dependencies.
 */

export class CliBuildError extends ReplicatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(Code.BuildCliFailed, message, options);
  }
}

export const CLI_ENTRY = 'lib/cli/bin.ts';
export const CLI_OUT_DIR = 'build/cli';
export const CLI_BIN = `${CLI_OUT_DIR}/dr-replicator.mjs`;

/**
 * Pure-JavaScript dependencies compiled into the chunks: resolving and reading their hundreds
 * of files as separate ES modules was most of `validate`'s start-up. Every other package (the
 * SDKs, re2-wasm with its .wasm file) stays an import of the installed dependency.
 */
const CLI_INLINED_PACKAGES = [
  'commander',
  'node-cron',
  'p-limit',
  'yaml',
  'yocto-queue', // p-limit's own dependency
  'zod',
] as const;

// commander and node-cron are CommonJS and require() Node built-ins; an ES module has none.
const CLI_REQUIRE_BANNER =
  "import { createRequire as __drCreateRequire } from 'node:module';" +
  'const require = __drCreateRequire(import.meta.url);';

export interface CliBuildResult {
  bin: string;
  files: number;
  bytes: number;
  /** npm packages the compiled CLI imports. */
  packages: string[];
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function importedPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || isBuiltin(imported.path)) continue;
      names.add(packageName(imported.path));
    }
  }
  return [...names].sort();
}

const INLINED: ReadonlySet<string> = new Set(CLI_INLINED_PACKAGES);

/** `packages: 'external'`, except for the packages compiled in. */
const externalPackagesExceptInlined: Plugin = {
  name: 'external-packages-except-inlined',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      if (isBuiltin(args.path) || INLINED.has(packageName(args.path))) return undefined;
      // Inside an inlined package, its own bare imports resolve like any other package's.
      return { path: args.path, external: true };
    });
  },
};

/**
 * `outDir` (relative to the root) lets a test build beside the package's own build without
 * racing `npm pack`, which rebuilds build/cli; it must sit inside the repository so the
 * chunks resolve their packages from its node_modules.
 */
export async function buildCli(
  rootDir: string,
  outDirName: string = CLI_OUT_DIR,
): Promise<CliBuildResult> {
  const root = path.resolve(rootDir);
  const outDir = path.join(root, outDirName);
  await rm(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { 'dr-replicator': path.join(root, CLI_ENTRY) },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    plugins: [externalPackagesExceptInlined],
    banner: { js: CLI_REQUIRE_BANNER },
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Error classes name themselves from new.target.name, and those names reach records.
    keepNames: true,
    metafile: true,
    logLevel: 'silent',
  }).catch((error: unknown) => {
    throw new CliBuildError(`esbuild failed: ${(error as Error).message}`, { cause: error });
  });

  // An import of a devDependency works here and fails for every user of the published package.
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const packages = importedPackages(result.metafile);
  const undeclared = packages.filter((name) => !Object.hasOwn(manifest.dependencies ?? {}, name));
  if (undeclared.length > 0) {
    throw new CliBuildError(
      `the CLI imports ${undeclared.join(', ')}, which package.json does not list in dependencies`,
    );
  }
  const outputs = Object.values(result.metafile.outputs);
  return {
    bin: path.join(outDir, 'dr-replicator.mjs'),
    files: outputs.length,
    bytes: outputs.reduce((sum, output) => sum + output.bytes, 0),
    packages,
  };
}

async function main(): Promise<number> {
  const started = performance.now();
  try {
    const built = await buildCli(process.cwd());
    process.stderr.write(
      `built ${path.relative(process.cwd(), built.bin)} (${built.files} files, ` +
        `${(built.bytes / 1024).toFixed(0)} KiB) in ${(performance.now() - started).toFixed(0)} ms\n`,
    );
    return 0;
  } catch (error) {
    const code = error instanceof ReplicatorError ? error.code : Code.BuildCliFailed;
    process.stderr.write(`build:cli: ${code}: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
