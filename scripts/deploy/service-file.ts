import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { Code } from '../../lib/codes.ts';
import { ReplicatorError } from '../../lib/errors.ts';

/**
 * Reads the Serverless Devs s.yaml the way `s deploy` does for what the build and the tests need:
 * `${vars.x}`, `${config('AccountID')}` and `${env('X')}` substituted, then the fc3 resources,
 * their handler files and the policies their timer triggers name. The build and the deploy
 * read one file, so they cannot disagree about which policies ship.
 */

export class ServiceFileError extends ReplicatorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(Code.ServiceFileInvalid, message, options);
  }
}

export interface TimerTrigger {
  triggerName: string;
  cronExpression: string;
  enable: boolean;
  /** The policy file (relative to the code root) named by the payload `{"policy": ...}`. */
  policy: string;
}

/** A timer whose payload names the organisation file (`{"org": ...}`): the dispatcher's tick. */
export interface OrgTimerTrigger {
  triggerName: string;
  cronExpression: string;
  enable: boolean;
  /** The organisation file, relative to the code root. */
  org: string;
}

export interface FunctionResource {
  /** The key under `resources:`. */
  resource: string;
  /** The resolved fc3 props, as s deploy sends them. */
  props: Record<string, unknown>;
  /** `code:` relative to the repository root, e.g. ./dist. */
  codeDir: string;
  /** `handler: index.handler` → module `index`, export `handler`. */
  handlerModule: string;
  handlerExport: string;
  timeoutSeconds: number;
  environment: Record<string, string>;
  /** Timers that run one policy (`{"policy": ...}`). */
  timers: TimerTrigger[];
  /** Timers that dispatch an organisation (`{"org": ...}`). */
  orgTimers: OrgTimerTrigger[];
}

export interface ServiceFile {
  name: string;
  functions: FunctionResource[];
}

/** Values `${config('...')}` and `${env('...')}` resolve to; s deploy takes them from the access. */
export interface ResolveContext {
  config?: Record<string, string>;
  env?: Record<string, string | undefined>;
}

const VARIABLE = /\$\{\s*([^}]+?)\s*\}/g;
const CONFIG_CALL = /^config\(\s*'([^']+)'\s*\)$/;
const ENV_CALL = /^env\(\s*'([^']+)'\s*(?:,\s*'([^']*)'\s*)?\)$/;

/** Substitutes every `${...}` in string leaves; an unknown variable is an error, never left as is. */
export function resolveVariables(
  value: unknown,
  vars: Record<string, unknown>,
  ctx: ResolveContext,
): unknown {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (_match, expression: string) =>
      resolveOne(expression, vars, ctx),
    );
  }
  if (Array.isArray(value)) return value.map((item) => resolveVariables(item, vars, ctx));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveVariables(item, vars, ctx)]),
    );
  }
  return value;
}

function resolveOne(
  expression: string,
  vars: Record<string, unknown>,
  ctx: ResolveContext,
): string {
  if (expression.startsWith('vars.')) {
    const found = vars[expression.slice('vars.'.length)];
    if (typeof found === 'string' || typeof found === 'number' || typeof found === 'boolean') {
      return String(found);
    }
    throw new ServiceFileError(`\${${expression}} is not a scalar under vars:`);
  }
  const config = CONFIG_CALL.exec(expression);
  if (config?.[1] !== undefined) {
    const found = ctx.config?.[config[1]];
    if (found === undefined) throw new ServiceFileError(`\${${expression}} has no value`);
    return found;
  }
  const env = ENV_CALL.exec(expression);
  if (env?.[1] !== undefined) {
    const found = ctx.env?.[env[1]] ?? env[2];
    if (found === undefined) throw new ServiceFileError(`\${${expression}} is not set`);
    return found;
  }
  throw new ServiceFileError(`unsupported variable \${${expression}}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type TimerTarget = { policy: string } | { org: string };

function targetOfPayload(resource: string, triggerName: string, payload: unknown): TimerTarget {
  if (typeof payload !== 'string') {
    throw new ServiceFileError(
      `${resource}/${triggerName}: a timer trigger needs a payload naming its policy`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch (error) {
    throw new ServiceFileError(`${resource}/${triggerName}: payload is not JSON`, { cause: error });
  }
  if (isRecord(parsed) && typeof parsed.policy === 'string' && parsed.policy !== '') {
    return { policy: parsed.policy };
  }
  if (isRecord(parsed) && typeof parsed.org === 'string' && parsed.org !== '') {
    return { org: parsed.org };
  }
  throw new ServiceFileError(
    `${resource}/${triggerName}: payload must be {"policy": "<file>"} or {"org": "<file>"}`,
  );
}

function timersOf(
  resource: string,
  triggers: unknown,
): { timers: TimerTrigger[]; orgTimers: OrgTimerTrigger[] } {
  const timers: TimerTrigger[] = [];
  const orgTimers: OrgTimerTrigger[] = [];
  if (triggers === undefined) return { timers, orgTimers };
  if (!Array.isArray(triggers)) throw new ServiceFileError(`${resource}: triggers must be a list`);
  for (const trigger of triggers) {
    if (!isRecord(trigger) || trigger.triggerType !== 'timer') continue;
    const name = String(trigger.triggerName);
    const config = isRecord(trigger.triggerConfig) ? trigger.triggerConfig : {};
    const common = {
      triggerName: name,
      cronExpression: String(config.cronExpression),
      enable: config.enable === true,
    };
    const target = targetOfPayload(resource, name, config.payload);
    if ('policy' in target) timers.push({ ...common, policy: target.policy });
    else orgTimers.push({ ...common, org: target.org });
  }
  return { timers, orgTimers };
}

function functionOf(resource: string, props: Record<string, unknown>): FunctionResource {
  const handler = props.handler;
  const dot = typeof handler === 'string' ? handler.lastIndexOf('.') : -1;
  if (typeof handler !== 'string' || dot <= 0) {
    throw new ServiceFileError(`${resource}: handler must be <file>.<export>`);
  }
  if (typeof props.code !== 'string')
    throw new ServiceFileError(`${resource}: code must be a folder`);
  const environment = isRecord(props.environmentVariables) ? props.environmentVariables : {};
  return {
    resource,
    props,
    codeDir: props.code,
    handlerModule: handler.slice(0, dot),
    handlerExport: handler.slice(dot + 1),
    timeoutSeconds: typeof props.timeout === 'number' ? props.timeout : 3,
    environment: Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, String(v)])),
    ...timersOf(resource, props.triggers),
  };
}

export function parseServiceFile(text: string, ctx: ResolveContext = {}): ServiceFile {
  const document: unknown = parse(text);
  if (!isRecord(document) || document.edition !== '3.0.0') {
    throw new ServiceFileError('s.yaml must be a Serverless Devs edition 3.0.0 document');
  }
  const vars = isRecord(document.vars) ? document.vars : {};
  const resources = isRecord(document.resources) ? document.resources : {};
  const functions: FunctionResource[] = [];
  for (const [name, resource] of Object.entries(resources)) {
    if (!isRecord(resource) || resource.component !== 'fc3' || !isRecord(resource.props)) continue;
    const props = resolveVariables(resource.props, vars, ctx);
    functions.push(functionOf(name, props as Record<string, unknown>));
  }
  return { name: String(document.name), functions };
}

/** Placeholder account for resolving `${config('AccountID')}` when no access is configured. */
export const PLACEHOLDER_ACCOUNT_ID = '1234567890123456';

export async function readServiceFile(rootDir: string, ctx?: ResolveContext): Promise<ServiceFile> {
  const file = path.join(rootDir, 's.yaml');
  const text = await readFile(file, 'utf8');
  return parseServiceFile(
    text,
    ctx ?? { config: { AccountID: PLACEHOLDER_ACCOUNT_ID }, env: process.env },
  );
}

/** Every policy file a function reads directly: POLICY_FILE plus each policy timer's payload. */
export function policiesOf(fn: FunctionResource): string[] {
  const files = new Set(fn.timers.map((timer) => timer.policy));
  const fallback = fn.environment.POLICY_FILE;
  if (fallback !== undefined) files.add(fallback);
  return [...files].sort();
}

/** The organisation file a function reads (ORG_FILE, or an org timer's payload), if any. */
export function orgFilesOf(fn: FunctionResource): string[] {
  const files = new Set(fn.orgTimers.map((timer) => timer.org));
  const configured = fn.environment.ORG_FILE;
  if (configured !== undefined) files.add(configured);
  return [...files].sort();
}
