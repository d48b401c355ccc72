import type { ServerResponse } from 'node:http';
import { Product } from '../actions/registry.ts';
import type { ApiError } from './api-error.ts';
import { ResponseFormat } from './response-format.ts';
import { toXml } from './xml.ts';

/** Writes a success body (root `{Action}Response`) or an error (root `Error`) as JSON or XML. */
export function sendRpc(
  res: ServerResponse,
  status: number,
  format: ResponseFormat,
  xmlRoot: string,
  body: Record<string, unknown>,
): void {
  const xml = format === ResponseFormat.Xml;
  const text = xml ? toXml(xmlRoot, body) : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': xml ? 'text/xml;charset=utf-8' : 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-acs-request-id': String(body.RequestId ?? ''),
  });
  res.end(text);
}

/** The error body the product's endpoint answers: its host, a troubleshoot link, KMS's HttpStatus. */
export function rpcErrorBody(
  e: ApiError,
  requestId: string,
  product: Product,
  region: string | undefined,
): Record<string, unknown> {
  const host =
    region === undefined ? `${product}.aliyuncs.com` : `${product}.${region}.aliyuncs.com`;
  return {
    RequestId: requestId,
    HostId: host,
    Code: e.code,
    Message: e.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(e.code)}&product=${product === Product.Kms ? 'Kms' : 'Ecs'}&requestId=${requestId}`,
    ...(product === Product.Kms && { HttpStatus: e.httpStatus }),
  };
}
