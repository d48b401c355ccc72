import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

export interface RamStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface RamPolicy {
  Version: string;
  Statement: RamStatement[];
}

export function readRamPolicy(file: string): RamPolicy {
  return JSON.parse(readFileSync(file, 'utf8')) as RamPolicy;
}

const list = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

export function actionsOf(policy: RamPolicy): string[] {
  return [...new Set(policy.Statement.flatMap((s) => list(s.Action)))].sort();
}

export function resourcesOf(statement: RamStatement): string[] {
  return list(statement.Resource);
}

/** The RAM action behind each @alicloud/log client method the code may call. */
const SLS_METHODS = {
  postLogStoreLogs: 'log:PostLogStoreLogs',
  getLogs: 'log:GetLogStoreLogs',
  getHistograms: 'log:GetLogStoreHistogram',
  listLogStore: 'log:ListLogStores',
  createLogStore: 'log:CreateLogStore',
  createProject: 'log:CreateProject',
} as const;

// `rpc.call<Body>(region, 'CopySnapshot', ...)`: the action is the second argument.
const RPC_CALL = /\.call\s*(?:<[^()]*?>)?\s*\(\s*[^,()]+,\s*'([A-Z][A-Za-z]+)'/g;
// `export const ECS_API_VERSION = ...` marks the file as the ECS adapter.
const API_VERSION = /export const ([A-Z]+)_API_VERSION\b/;

/**
 * The lib/cloud files the FC handler actually loads, from esbuild's module graph: the CLI-only
 * adapters (reading records back for `status`) are no business of the function's role.
 */
export async function cloudFilesInHandler(rootDir: string, entry: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: rootDir,
    entryPoints: [path.join(rootDir, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs)
    .filter((file) => file.startsWith('lib/cloud/') && file.endsWith('.ts'))
    .map((file) => path.join(rootDir, file))
    .sort();
}

/** The exported top-level function a position in `source` lies in, if any. */
function enclosingExport(source: string, index: number): string | undefined {
  let name: string | undefined;
  for (const match of source.matchAll(/^export (?:async )?function (\w+)/gm)) {
    if ((match.index ?? 0) > index) break;
    name = match[1];
  }
  return name;
}

/**
 * Every RAM action called in `files` (the handler's lib/cloud modules): RPC actions, prefixed
 * with the service of the file's *_API_VERSION, and @alicloud/log client methods. A call inside
 * an exported function that no other of `files` mentions (e.g. the record reader `status` uses)
 * is not the function's to make, and is left out.
 */
export function actionsCalledIn(files: string[]): { action: string; file: string }[] {
  const sources = new Map(files.map((file) => [file, readFileSync(file, 'utf8')]));
  const usedElsewhere = (file: string, name: string | undefined) =>
    name === undefined ||
    [...sources].some(([other, text]) => other !== file && new RegExp(`\\b${name}\\b`).test(text));
  const found: { action: string; file: string }[] = [];
  for (const [file, source] of sources) {
    const name = path.basename(file);
    const service = API_VERSION.exec(source)?.[1]?.toLowerCase();
    const calls: { action: string; index: number }[] = [];
    for (const match of source.matchAll(RPC_CALL)) {
      if (service === undefined)
        throw new Error(`${name} calls ${match[1]} but declares no *_API_VERSION`);
      calls.push({ action: `${service}:${match[1]}`, index: match.index ?? 0 });
    }
    for (const [method, action] of Object.entries(SLS_METHODS)) {
      for (const match of source.matchAll(new RegExp(`\\.${method}\\s*\\(`, 'g'))) {
        calls.push({ action, index: match.index ?? 0 });
      }
    }
    for (const call of calls) {
      if (usedElsewhere(file, enclosingExport(source, call.index)))
        found.push({ action: call.action, file: name });
    }
  }
  return found;
}
