import { Code } from '../codes.ts';
import { ReplicatorError } from '../errors.ts';
import { scrubSecretValues } from './secret-values.ts';

/**
 * One failed cloud API call, with what the caller needs to classify it and what an operator
 * needs to chase it (request id, API, region). The message is scrubbed: pop-core appends
 * ", URL: <signed url>" (AccessKeyId, SecurityToken, Signature in the query) to every error.
 */
export class CloudApiError extends ReplicatorError {
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  readonly api: string;
  readonly region: string;
  /**
   * For InvalidTimeStamp.Expired: local clock minus the API's (from the Date header of its
   * answer), in ms; positive = the local clock is ahead.
   */
  readonly clockSkewMs: number | undefined;

  constructor(init: {
    code: string;
    message: string;
    api: string;
    region: string;
    httpStatus?: number | undefined;
    requestId?: string | undefined;
    clockSkewMs?: number | undefined;
    cause?: unknown;
  }) {
    super(init.code, redactSecrets(init.message), { cause: scrubCause(init.cause) });
    this.api = init.api;
    this.region = init.region;
    this.httpStatus = init.httpStatus;
    this.requestId = init.requestId;
    this.clockSkewMs = init.clockSkewMs;
  }
}

export const CLOCK_SKEW_CODE = 'InvalidTimeStamp.Expired';

const SECRET_PARAMS = ['Signature', 'SecurityToken', 'AccessKeyId', 'AccessKeySecret'];
const PARAM_PATTERN = new RegExp(`((?:${SECRET_PARAMS.join('|')})(?:=|%3D))[^&\\s,"']*`, 'gi');

/**
 * Removes what must never be logged: every registered credential value and signature value
 * (whatever shape an echo gave them), the ", URL: ..." tail pop-core appends, and any
 * Signature / SecurityToken / AccessKeyId parameter left anywhere else in the text.
 */
export function redactSecrets(text: string): string {
  return scrubSecretValues(text)
    .replace(/,?\s*URL:\s*\S+/g, '')
    .replace(/https?:\/\/[^\s,"']*\?[^\s,"']*/g, (url) => url.slice(0, url.indexOf('?')))
    .replace(PARAM_PATTERN, '$1[redacted]');
}

interface PopCoreError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  data?: unknown;
  entry?: { response?: { statusCode?: unknown; headers?: Record<string, unknown> } };
}

/**
 * Turns whatever pop-core or the network threw into a CloudApiError. The original error is not
 * kept as `cause` (its `url`, `entry` and `message` carry the signed request); only its name.
 */
export function toCloudApiError(error: unknown, api: string, region: string): CloudApiError {
  if (error instanceof CloudApiError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as PopCoreError;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const data = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as Record<
    string,
    unknown
  >;
  const status = e.entry?.response?.statusCode;
  const httpStatus =
    typeof status === 'number'
      ? status
      : typeof data.HttpStatus === 'number'
        ? data.HttpStatus
        : undefined;
  const requestId = typeof data.RequestId === 'string' ? data.RequestId : undefined;
  const apiCode = typeof data.Code === 'string' ? data.Code : undefined;
  const code = apiCode ?? transportCode(e, message);
  const serverDate = e.entry?.response?.headers?.date;
  const serverMs = typeof serverDate === 'string' ? Date.parse(serverDate) : Number.NaN;
  return new CloudApiError({
    code,
    message: `${api} in ${region} failed: ${code}: ${typeof data.Message === 'string' ? data.Message : message}`,
    api,
    region,
    httpStatus,
    requestId,
    ...(code === CLOCK_SKEW_CODE && !Number.isNaN(serverMs)
      ? { clockSkewMs: Date.now() - serverMs }
      : {}),
    cause: { name: typeof e.name === 'string' ? e.name : 'Error' },
  });
}

function transportCode(e: PopCoreError, message: string): string {
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  if (name === 'RequestTimeoutError' || code === 'ETIMEDOUT' || /timeout/i.test(message)) {
    return Code.RequestTimeout;
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message)) {
    return Code.ConnectionReset;
  }
  if (code === 'ECONNREFUSED') return Code.ConnectionRefused;
  if (name === 'SyntaxError') return Code.InvalidResponse;
  return Code.NetworkError;
}

function scrubCause(cause: unknown): unknown {
  if (cause === undefined) return undefined;
  if (typeof cause === 'object' && cause !== null && 'name' in cause) {
    return { name: String((cause as { name: unknown }).name) };
  }
  return undefined;
}
