import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SlsErrors } from './errors.ts';

/** Real SLS refuses requests whose Date is more than 15 minutes off the server's clock. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const API_VERSION = '0.6.0';

export interface SignedRequest {
  method: string;
  /** Path as sent, without the query. */
  path: string;
  /** Decoded query parameters (first value of each). */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Caller {
  accessKeyId: string;
  securityToken?: string;
}

/**
 * Checks the `LOG <AK>:<base64 HMAC-SHA1>` signature @alicloud/log computes:
 * VERB \n CONTENT-MD5 \n CONTENT-TYPE \n DATE \n sorted x-log-/x-acs- headers \n resource,
 * where resource = path + sorted `key=value` pairs of the *decoded* query values. Also checks
 * the Date skew (against the wall clock: the client signs with its own), the API version and
 * that content-md5 matches the body.
 */
export function verifySignature(
  req: SignedRequest,
  lookupSecret: (accessKeyId: string) => string | undefined,
  wallClock: Date = new Date(),
): Caller {
  const date = header(req.headers, 'date');
  if (date === undefined) throw SlsErrors.missingDate();
  const sent = Date.parse(date);
  if (Number.isNaN(sent)) throw SlsErrors.invalidDate(date);
  if (Math.abs(wallClock.getTime() - sent) > MAX_CLOCK_SKEW_MS) {
    throw SlsErrors.requestTimeExpired(date, wallClock);
  }
  const version = header(req.headers, 'x-log-apiversion');
  if (version === undefined) throw SlsErrors.missingApiVersion();
  if (version !== API_VERSION) throw SlsErrors.invalidApiVersion(version);

  const authorization = header(req.headers, 'authorization');
  if (authorization === undefined) throw SlsErrors.missingAuthorization();
  const match = /^LOG ([^:\s]+):(\S+)$/.exec(authorization);
  if (!match) throw SlsErrors.invalidAuthorization();
  const accessKeyId = match[1]!;
  const signature = match[2]!;
  const secret = lookupSecret(accessKeyId);
  if (secret === undefined) throw SlsErrors.unauthorized();

  const contentMd5 = header(req.headers, 'content-md5') ?? '';
  if (req.body.length > 0 || contentMd5 !== '') {
    const actual = createHash('md5').update(req.body).digest('hex').toUpperCase();
    if (contentMd5.toUpperCase() !== actual) throw SlsErrors.contentMd5Mismatch();
  }
  const expected = createHmac('sha1', secret)
    .update(stringToSign(req, date, contentMd5))
    .digest('base64');
  if (!safeEqual(expected, signature)) throw SlsErrors.signatureNotMatch(signature);

  const token = header(req.headers, 'x-acs-security-token');
  return token === undefined ? { accessKeyId } : { accessKeyId, securityToken: token };
}

export function stringToSign(req: SignedRequest, date: string, contentMd5: string): string {
  const contentType = header(req.headers, 'content-type') ?? '';
  const canonicalHeaders = Object.keys(req.headers)
    .filter((k) => k.startsWith('x-log-') || k.startsWith('x-acs-'))
    .sort()
    .map((k) => `${k}:${String(req.headers[k]).trim()}\n`)
    .join('');
  const pairs = Object.entries(req.query)
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  const resource = pairs.length > 0 ? `${req.path}?${pairs.join('&')}` : req.path;
  return `${req.method}\n${contentMd5}\n${contentType}\n${date}\n${canonicalHeaders}${resource}`;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
