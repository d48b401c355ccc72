import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { percentEncode } from './percent-encode.ts';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`; undefined if malformed. */
export function parseAcs3Authorization(header: string): Acs3Authorization | undefined {
  if (!header.startsWith(`${ACS3_ALGORITHM} `)) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.slice(ACS3_ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || signedHeaders === undefined || !signature) return undefined;
  return { accessKeyId, signedHeaders: signedHeaders.split(';').filter(Boolean), signature };
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * ACS3-HMAC-SHA256 as @alicloud/openapi-core computes it (utils.getAuthorization): a canonical
 * request of method, path, sorted query (values encoded), the signed headers and the payload
 * hash, hashed and HMAC'd with the secret, hex encoded.
 */
export function signatureAcs3(input: {
  method: string;
  pathname: string;
  query: Readonly<Record<string, string>>;
  headers: IncomingHttpHeaders;
  signedHeaders: readonly string[];
  payloadHash: string;
  secret: string;
}): string {
  const canonicalUri = input.pathname
    .replace(/\+/g, '%20')
    .replace(/\*/g, '%2A')
    .replace(/%7E/g, '~');
  const canonicalQuery = Object.keys(input.query)
    .sort()
    .map((k) => `${k}=${percentEncode(input.query[k] ?? '')}`)
    .join('&');
  const canonicalHeaders = input.signedHeaders
    .map((h) => {
      const raw = input.headers[h];
      const value = Array.isArray(raw)
        ? raw
            .map((v) => v.trim())
            .sort()
            .join(',')
        : (raw ?? '').trim();
      return `${h}:${value}\n`;
    })
    .join('');
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  return createHmac('sha256', input.secret).update(stringToSign).digest('hex');
}
