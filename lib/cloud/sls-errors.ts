import { Code } from '../codes.ts';
import { ReplicatorError } from '../errors.ts';
import { redactSecrets } from './errors.ts';

/**
 * Records could not be written to (or read from) the log store. `sls` is the code SLS or the
 * network gave (SignatureNotMatch, WriteQuotaExceed, ConnectionRefused...). The message never
 * holds the secret, the token or the signature: SLS echoes the signature in SignatureNotMatch
 * and the SDK error carries the request, so only a scrubbed text is kept, and no `cause`
 * beyond the error's name.
 */
export class LogSinkError extends ReplicatorError {
  readonly sls: string;
  readonly requestId: string | undefined;

  constructor(init: {
    message: string;
    sls: string;
    requestId?: string | undefined;
    cause?: unknown;
  }) {
    super(Code.LogSinkFailed, init.message, { cause: init.cause });
    this.sls = init.sls;
    this.requestId = init.requestId;
  }
}

interface SdkError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  requestid?: unknown;
}

export interface SlsFailure {
  /** SLS errorCode, or a transport code (Code.RequestTimeout, ...). */
  code: string;
  message: string;
  requestId: string | undefined;
  retryable: boolean;
  name: string;
}

/** SLS answers worth another attempt: quota throttling and server-side trouble. */
const RETRYABLE_CODES = new Set<string>([
  'WriteQuotaExceed',
  'ShardWriteQuotaExceed',
  'ReadQuotaExceed',
  'ShardReadQuotaExceed',
  'ProjectQuotaExceed',
  'ExceedQuota',
  'ServerBusy',
  'InternalServerError',
  'ServiceUnavailable',
  'RequestTimeout',
  Code.RequestTimeout,
  Code.ConnectionReset,
  Code.ConnectionRefused,
  Code.NetworkError,
  Code.InvalidResponse,
]);

const NETWORK_CODES: Record<string, Code> = {
  ECONNRESET: Code.ConnectionReset,
  EPIPE: Code.ConnectionReset,
  ECONNREFUSED: Code.ConnectionRefused,
  ETIMEDOUT: Code.RequestTimeout,
  ESOCKETTIMEDOUT: Code.RequestTimeout,
  EAI_AGAIN: Code.NetworkError,
  ENOTFOUND: Code.NetworkError,
  EHOSTUNREACH: Code.NetworkError,
};

/** Classifies what @alicloud/log (or httpx under it) threw, scrubbing the text. */
export function describeSlsFailure(error: unknown, secrets: readonly string[]): SlsFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const rawCode = typeof e.code === 'string' ? e.code : '';
  const rawMessage = typeof e.message === 'string' ? e.message : String(error);
  const requestId = typeof e.requestid === 'string' ? e.requestid : undefined;
  let code: string;
  if (requestId !== undefined && rawCode !== '') code = rawCode;
  else if (rawCode in NETWORK_CODES) code = NETWORK_CODES[rawCode]!;
  else if (name.startsWith('RequestTimeout')) code = Code.RequestTimeout;
  else if (/socket hang up/i.test(rawMessage)) code = Code.ConnectionReset;
  else if (rawCode !== '') code = rawCode;
  else code = Code.NetworkError;
  return {
    code,
    message: scrub(rawMessage, secrets),
    requestId,
    retryable: RETRYABLE_CODES.has(code),
    name,
  };
}

/** HMAC-SHA1 in base64 is 28 characters ending in one '='. */
const SIGNATURE = /[A-Za-z0-9+/]{27}=/g;

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return redactSecrets(out.replace(SIGNATURE, '[redacted]')).replace(
    /\bLOG [^:\s]+:\S+/g,
    'LOG [redacted]',
  );
}
