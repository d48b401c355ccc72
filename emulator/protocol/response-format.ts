import type { IncomingMessage } from 'node:http';
import { apiError } from './api-error.ts';

/** The two body formats of the RPC protocol (common parameter `Format`). */
export const ResponseFormat = {
  Json: 'JSON',
  Xml: 'XML',
} as const;
export type ResponseFormat = (typeof ResponseFormat)[keyof typeof ResponseFormat];

/** A request signed the ACS3 way (the Tea SDKs) rather than with signature v1 (pop-core, CLIs). */
export function isAcs3(req: IncomingMessage): boolean {
  const auth = req.headers.authorization;
  return typeof auth === 'string' && auth.startsWith('ACS3-');
}

/**
 * What `Format` asks for, in any case. Absent, signature v1 defaults to XML as documented for the
 * RPC common parameters; the ACS3 Tea SDKs send no Format and parse JSON, so ACS3 defaults to JSON.
 * Returns undefined for any other value (the caller answers 400 in the default format).
 */
export function parseFormat(raw: string | undefined, acs3: boolean): ResponseFormat | undefined {
  if (raw === undefined || raw === '') return acs3 ? ResponseFormat.Json : ResponseFormat.Xml;
  const upper = raw.toUpperCase();
  return upper === ResponseFormat.Json || upper === ResponseFormat.Xml ? upper : undefined;
}

/** The format to answer in, errors included: the requested one, or the default when it is bad. */
export function responseFormat(raw: string | undefined, acs3: boolean): ResponseFormat {
  return parseFormat(raw, acs3) ?? (acs3 ? ResponseFormat.Json : ResponseFormat.Xml);
}

/** Refuses a Format other than JSON or XML with a 400 that names the value and the choices. */
export function checkFormat(raw: string | undefined, acs3: boolean): void {
  if (parseFormat(raw, acs3) === undefined) {
    throw apiError('InvalidParameter', `Format=${String(raw)} (JSON or XML)`);
  }
}
