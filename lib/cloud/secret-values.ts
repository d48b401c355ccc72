import type { Credentials } from '../ports.ts';

/**
 * Scrubbing by value. Pattern-based redaction (`SecurityToken=...`) misses a secret that an
 * endpoint, proxy or gateway echoes in another shape: as a JSON field, a header line, or inside
 * an HTML error page. So every credential this process signs with is registered here, and every
 * text that leaves the process through an error, a record or the console is searched for those
 * values in each encoding a request may carry them in.
 */

/** Shorter values are not secrets worth the false positives (and cannot be credentials). */
const MIN_SECRET_LENGTH = 8;
/** Credentials rotate (STS, FC's per-invocation keys); the newest sets are what can leak. */
const MAX_REMEMBERED = 64;

const REDACTED = '[redacted]';

/** HMAC-SHA1 in base64 (28 characters ending in '='), raw or percent-encoded as signed RPC sends it. */
const SIGNATURE_VALUE = /(?:[A-Za-z0-9+/]|%2B|%2F){27}(?:=|%3D)/gi;

/** Secret values, oldest first. */
const remembered: string[] = [];

/** pop-core's RFC 3986 encoding (the form in a signed query string or form body). */
function rfc3986(value: string): string {
  return encodeURIComponent(value)
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/\*/g, '%2A');
}

/** Each shape a value can take in a request or in an echo of one. */
function formsOf(value: string): string[] {
  const once = rfc3986(value);
  return [
    value,
    once,
    encodeURIComponent(value),
    rfc3986(once),
    JSON.stringify(value).slice(1, -1),
    once.toLowerCase(),
  ];
}

/** Remembers the secret parts of a credential set (AccessKey secret, STS token). */
export function registerCredentials(
  credentials: Pick<Credentials, 'accessKeySecret' | 'securityToken'>,
): void {
  registerSecretValues([credentials.accessKeySecret, credentials.securityToken]);
}

export function registerSecretValues(values: readonly (string | undefined)[]): void {
  for (const value of values) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) continue;
    const at = remembered.indexOf(value);
    if (at >= 0) remembered.splice(at, 1);
    remembered.push(value);
  }
  if (remembered.length > MAX_REMEMBERED) remembered.splice(0, remembered.length - MAX_REMEMBERED);
}

/** Replaces every registered secret value and every request signature value. */
export function scrubSecretValues(text: string, extra: readonly string[] = []): string {
  let out = text;
  const forms = [...extra, ...remembered]
    .filter((value) => value.length >= MIN_SECRET_LENGTH)
    .flatMap(formsOf)
    // Longest first, so an encoded form is not half-replaced through a shorter one.
    .sort((a, b) => b.length - a.length);
  for (const secret of forms) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) {
      out = out.split(secret).join(REDACTED);
    }
  }
  return out.replace(SIGNATURE_VALUE, REDACTED);
}
