import { Code } from '../../lib/codes.ts';
import { InvalidInputError } from '../../lib/errors.ts';

/**
 * The FC timer trigger event: `{"triggerTime":"2023-12-26T07:49:00Z","triggerName":"nightly",
 * "payload":"{\"policy\":\"policies/prod.yaml\"}"}`. The payload is the trigger's configured
 * string; ours is empty (run POLICY_FILE), a JSON object `{"policy": "<file>"}`, or a bare
 * policy file name. An empty event (a console test invoke) runs the default policy.
 */
export interface TimerInvocation {
  triggerName?: string;
  triggerTime?: string;
  /** Policy file named by the payload, relative to the code root; undefined = POLICY_FILE. */
  policyFile?: string;
}

export class MalformedEventError extends InvalidInputError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(Code.EventMalformed, message, options);
  }
}

const PAYLOAD_KEYS = new Set(['policy']);
/** FC names triggers with at most 128 characters; anything longer is not a timer event. */
const MAX_TRIGGER_NAME = 128;
/** Longer than any path a policy shipped with the function has. */
const MAX_POLICY_PATH = 1024;
/** How much of a parser's complaint is kept: it may quote the whole (hostile) input. */
const MAX_DETAIL = 160;

function clip(text: string, max = MAX_DETAIL): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} chars)`;
}
const POLICY_FILE = /\.(ya?ml|json)$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MalformedEventError(`${what} is not JSON: ${clip((error as Error).message)}`, {
      cause: error,
    });
  }
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new MalformedEventError(`event.${field} must be a string, got ${typeof value}`);
  }
  return value;
}

/** A policy path must stay inside the function's code: the payload is config, not a path to roam. */
function policyName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new MalformedEventError('payload.policy must be a non-empty string');
  }
  const name = value.trim();
  if (name.length > MAX_POLICY_PATH) {
    throw new MalformedEventError(
      `payload.policy is ${name.length} characters long; a path is shorter`,
    );
  }
  if (name.startsWith('/') || name.split(/[\\/]/).includes('..')) {
    throw new MalformedEventError(
      `payload.policy ${clip(name)} must be a relative path inside the code`,
    );
  }
  return name;
}

function parsePayload(payload: unknown): string | undefined {
  if (payload === undefined || payload === null) return undefined;
  let value: unknown = payload;
  if (typeof payload === 'string') {
    const text = payload.trim();
    if (text === '') return undefined;
    if (!text.startsWith('{')) {
      if (POLICY_FILE.test(text)) return policyName(text);
      throw new MalformedEventError(
        `payload ${JSON.stringify(text.slice(0, 80))} is neither {"policy": "<file>"} nor a .yaml file name`,
      );
    }
    value = parseJson(text, 'payload');
  }
  if (!isRecord(value)) throw new MalformedEventError('payload must be a JSON object');
  const unknown = Object.keys(value).filter((key) => !PAYLOAD_KEYS.has(key));
  if (unknown.length > 0) {
    // A typo such as "polcy" must not silently run the default policy.
    throw new MalformedEventError(
      `payload has unknown key(s) ${clip(unknown.join(', '))}; expected "policy"`,
    );
  }
  return value.policy === undefined ? undefined : policyName(value.policy);
}

export function parseTimerEvent(event: Buffer | string | undefined | null): TimerInvocation {
  const text = (typeof event === 'string' ? event : (event?.toString('utf8') ?? '')).trim();
  if (text === '') return {};
  const value = parseJson(text, 'event');
  if (!isRecord(value)) throw new MalformedEventError('event must be a JSON object');
  const triggerName = optionalString(value.triggerName, 'triggerName');
  if (triggerName !== undefined && triggerName.length > MAX_TRIGGER_NAME) {
    throw new MalformedEventError(
      `event.triggerName is ${triggerName.length} characters long; FC allows ${MAX_TRIGGER_NAME}`,
    );
  }
  const triggerTime = optionalString(value.triggerTime, 'triggerTime');
  if (triggerTime !== undefined && Number.isNaN(Date.parse(triggerTime))) {
    throw new MalformedEventError(
      `event.triggerTime ${clip(JSON.stringify(triggerTime))} is not a time`,
    );
  }
  const policyFile = parsePayload(value.payload);
  return {
    ...(triggerName === undefined ? {} : { triggerName }),
    ...(triggerTime === undefined ? {} : { triggerTime }),
    ...(policyFile === undefined ? {} : { policyFile }),
  };
}
