import { createHash, createHmac, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import type { RunningEmulator } from '../../../emulator/index.ts';

/**
 * Signed RPC requests built by hand, as a client other than our SDKs would send them: signature
 * v1 or ACS3, any `Format` (or none), any Host header. Answers the raw status, content type and
 * body, and the body parsed as JSON or, with an independent XML parser, as XML.
 */
export type Signature = 'v1' | 'acs3';

export interface RawCall {
  action: string;
  version: string;
  params: Record<string, string>;
  signature: Signature;
  /** Sent as the common parameter Format; undefined sends none. */
  format?: string | undefined;
  /** Host header; default the emulator's 127.0.0.1:PORT. */
  host?: string;
  method?: 'GET' | 'POST';
  /** Signature v1 POST only: send the parameters as an application/x-www-form-urlencoded body. */
  form?: boolean;
  /** Sign with this secret instead of the emulator's (to provoke SignatureDoesNotMatch). */
  secret?: string;
}

export interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
  /** Parsed body: JSON as sent, XML with every leaf a string and lists as arrays. */
  body: Record<string, unknown>;
  /** The XML root element, or undefined for JSON. */
  xmlRoot: string | undefined;
}

/** Element names the RPC responses repeat for lists (a single item still parses as a list). */
export const XML_LIST_ELEMENTS = new Set([
  'Snapshot',
  'Region',
  'TagResource',
  'Tag',
  'LockedSnapshotsInfo',
]);

const xml = new XMLParser({
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => XML_LIST_ELEMENTS.has(name),
});

function enc(v: string): string {
  return encodeURIComponent(v).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${enc(k)}=${enc(params[k] ?? '')}`)
    .join('&');
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Sends one signed RPC call to the emulator and reads the answer. */
export async function rawRpc(emu: RunningEmulator, call: RawCall): Promise<RawAnswer> {
  const { accessKeyId } = emu.credentials;
  const accessKeySecret = call.secret ?? emu.credentials.accessKeySecret;
  const method = call.method ?? 'GET';
  const host = call.host ?? `127.0.0.1:${emu.port}`;
  const headers: Record<string, string> = { host };
  let path: string;
  let body = '';
  if (call.signature === 'v1') {
    const all: Record<string, string> = {
      ...call.params,
      Action: call.action,
      Version: call.version,
      AccessKeyId: accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomUUID(),
      Timestamp: timestamp(),
      ...(call.format !== undefined && { Format: call.format }),
    };
    const canonical = canonicalQuery(all);
    const signature = createHmac('sha1', `${accessKeySecret}&`)
      .update(`${method}&${enc('/')}&${enc(canonical)}`)
      .digest('base64');
    if (call.form === true) {
      path = '/';
      body = `${canonical}&Signature=${enc(signature)}`;
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else {
      path = `/?${canonical}&Signature=${enc(signature)}`;
    }
  } else {
    const query: Record<string, string> = {
      ...call.params,
      ...(call.format !== undefined && { Format: call.format }),
    };
    const payloadHash = createHash('sha256').update('').digest('hex');
    Object.assign(headers, {
      'x-acs-action': call.action,
      'x-acs-version': call.version,
      'x-acs-date': timestamp(),
      'x-acs-signature-nonce': randomUUID(),
      'x-acs-content-sha256': payloadHash,
    });
    const names = Object.keys(headers).sort();
    const canonical = [
      method,
      '/',
      canonicalQuery(query),
      names.map((h) => `${h}:${headers[h] ?? ''}\n`).join(''),
      names.join(';'),
      payloadHash,
    ].join('\n');
    const toSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
    const signature = createHmac('sha256', accessKeySecret).update(toSign).digest('hex');
    headers.authorization = `ACS3-HMAC-SHA256 Credential=${accessKeyId},SignedHeaders=${names.join(';')},Signature=${signature}`;
    const q = canonicalQuery(query);
    path = q === '' ? '/' : `/?${q}`;
  }
  const { status, contentType, text } = await send(emu.port, method, path, headers, body);
  if (text.startsWith('<')) {
    const parsed = xml.parse(text) as Record<string, unknown>;
    const [root] = Object.keys(parsed);
    const body = (root === undefined ? {} : parsed[root]) as Record<string, unknown>;
    return { status, contentType, text, body, xmlRoot: root };
  }
  return { status, contentType, text, body: JSON.parse(text), xmlRoot: undefined };
}

function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The JSON body as XML carries it: every scalar as its string, a list wrapper whose lists are
 * all empty as an empty element (''). Lets a test compare the JSON and XML answers field by field.
 */
export function asXmlData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asXmlData);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => !(Array.isArray(v) && v.length === 0),
    );
    if (entries.length === 0) return '';
    return Object.fromEntries(entries.map(([k, v]) => [k, asXmlData(v)]));
  }
  return value === null || value === undefined ? '' : String(value);
}
