import { createHmac } from 'node:crypto';
import { percentEncode } from './percent-encode.ts';

/**
 * Signature v1 (HMAC-SHA1) over the sorted, percent-encoded parameters, as the RPC signature
 * doc and pop-core compute it: METHOD&%2F&encode(k1=v1&k2=v2...), key = secret + "&".
 */
export function signatureV1(
  method: string,
  params: Readonly<Record<string, string>>,
  secret: string,
): string {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] ?? '')}`)
    .join('&');
  const stringToSign = `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}
