import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { apiError } from './api-error.ts';
import type { CredentialStore } from './credentials.ts';
import type { NonceCache } from './nonce-cache.ts';
import { checkFormat } from './response-format.ts';
import { parseAcs3Authorization, sha256Hex, signatureAcs3 } from './signature-acs3.ts';
import { signatureV1 } from './signature-v1.ts';

/** A request whose signature, key, timestamp and nonce have been verified. */
export interface RpcCall {
  method: string;
  action: string;
  version: string;
  /** Query and form parameters merged (form wins), signing parameters included. */
  params: Record<string, string>;
  signatureKind: 'v1' | 'acs3';
  accessKeyId: string;
}

/** Parameters that belong to the protocol, not to the action (and never go into the call log). */
export const SIGNING_PARAMS = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'SignatureType',
  'Timestamp',
  'SecurityToken',
  'BearerToken',
]);

export const TIMESTAMP_WINDOW_MS = 15 * 60_000;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export interface AuthDeps {
  credentials: CredentialStore;
  nonces: NonceCache;
  realNow: () => number;
}

export function formParams(req: IncomingMessage, body: Buffer): Record<string, string> {
  const type = String(req.headers['content-type'] ?? '');
  if (body.length === 0 || !type.startsWith('application/x-www-form-urlencoded')) return {};
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function checkTimestamp(value: string | undefined, realNow: number): void {
  if (value === undefined || value === '') throw apiError('MissingParameter', 'Timestamp');
  if (!TIMESTAMP_RE.test(value)) throw apiError('InvalidTimeStamp.Format');
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw apiError('InvalidTimeStamp.Format');
  if (Math.abs(realNow - at) > TIMESTAMP_WINDOW_MS) throw apiError('InvalidTimeStamp.Expired');
}

/**
 * ACS3 signs host, content-type and every x-acs-* header (as the SDKs do); a header left out of
 * SignedHeaders could be changed in transit (x-acs-date, x-acs-action), so the request is refused.
 */
function checkSignedHeaders(req: IncomingMessage, signed: readonly string[]): void {
  const mustSign = Object.keys(req.headers).filter(
    (h) => h === 'host' || h === 'content-type' || h.startsWith('x-acs-'),
  );
  const missing = mustSign.find((h) => !signed.includes(h));
  if (missing !== undefined) throw apiError('IncompleteSignature', `unsigned header ${missing}`);
}

/**
 * Verifies an RPC request signed with signature v1 (pop-core, GET query or POST form) or with
 * ACS3-HMAC-SHA256 (the Tea/Darabonba SDKs: Authorization header, action in x-acs-action).
 * Signature checks use real time; the virtual clock is for the modelled cloud only.
 */
export function authenticate(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  deps: AuthDeps,
): RpcCall {
  const method = (req.method ?? 'GET').toUpperCase();
  // RPC APIs are served on GET and POST only; other methods do not reach an API.
  if (method !== 'GET' && method !== 'POST') throw apiError('InvalidApi.NotFound');
  const query = Object.fromEntries(url.searchParams);
  const params = { ...query, ...formParams(req, body) };
  const authorization = req.headers.authorization;
  const now = deps.realNow();

  if (typeof authorization === 'string' && authorization.startsWith('ACS3-')) {
    const auth = parseAcs3Authorization(authorization);
    if (auth === undefined) throw apiError('IncompleteSignature');
    checkSignedHeaders(req, auth.signedHeaders);
    // The Tea SDKs send no Format and read JSON; an explicit JSON or XML is honoured.
    checkFormat(params.Format, true);
    const action = String(req.headers['x-acs-action'] ?? params.Action ?? '');
    const version = String(req.headers['x-acs-version'] ?? params.Version ?? '');
    if (!action) throw apiError('MissingParameter', 'x-acs-action');
    if (!version) throw apiError('MissingParameter', 'x-acs-version');
    checkTimestamp(req.headers['x-acs-date'] as string | undefined, now);
    const token = req.headers['x-acs-security-token'] as string | undefined;
    const cred = deps.credentials.check(auth.accessKeyId, token);
    if (!cred.ok) throw apiError(cred.code);
    const payloadHash = sha256Hex(body);
    const claimed = String(req.headers['x-acs-content-sha256'] ?? '');
    const expected = signatureAcs3({
      method,
      pathname: url.pathname,
      query,
      headers: req.headers,
      signedHeaders: auth.signedHeaders,
      payloadHash: claimed,
      secret: cred.secret,
    });
    if (claimed !== payloadHash || !safeEqual(expected, auth.signature)) {
      throw apiError('SignatureDoesNotMatch');
    }
    const nonce = String(req.headers['x-acs-signature-nonce'] ?? '');
    if (!nonce) throw apiError('MissingParameter', 'x-acs-signature-nonce');
    if (!deps.nonces.claim(auth.accessKeyId, nonce)) throw apiError('SignatureNonceUsed');
    return {
      method,
      action,
      version,
      params,
      signatureKind: 'acs3',
      accessKeyId: auth.accessKeyId,
    };
  }

  for (const name of ['Action', 'Version', 'AccessKeyId', 'SignatureNonce', 'Signature'] as const) {
    if (!params[name]) {
      throw name === 'Signature'
        ? apiError('IncompleteSignature')
        : apiError('MissingParameter', name);
    }
  }
  // Both are required common parameters; v1 is HMAC-SHA1 version 1.0 and nothing else.
  if (!params.SignatureMethod) throw apiError('MissingParameter', 'SignatureMethod');
  if (params.SignatureMethod !== 'HMAC-SHA1') throw apiError('InvalidParameter', 'SignatureMethod');
  if (!params.SignatureVersion) throw apiError('MissingParameter', 'SignatureVersion');
  if (params.SignatureVersion !== '1.0') throw apiError('InvalidParameter', 'SignatureVersion');
  // JSON or XML; absent means XML, the documented default.
  checkFormat(params.Format, false);
  checkTimestamp(params.Timestamp, now);
  const accessKeyId = params.AccessKeyId!;
  const cred = deps.credentials.check(accessKeyId, params.SecurityToken);
  if (!cred.ok) throw apiError(cred.code);
  if (!safeEqual(signatureV1(method, params, cred.secret), params.Signature!)) {
    throw apiError('SignatureDoesNotMatch');
  }
  if (!deps.nonces.claim(accessKeyId, params.SignatureNonce!)) throw apiError('SignatureNonceUsed');
  return {
    method,
    action: params.Action!,
    version: params.Version!,
    params,
    signatureKind: 'v1',
    accessKeyId,
  };
}
