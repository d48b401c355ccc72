import { inflateSync } from 'node:zlib';
import { SlsErrors } from './errors.ts';

/** What x-log-compresstype may say. @alicloud/log sends neither (uncompressed bodies). */
export const CompressType = {
  Lz4: 'lz4',
  Deflate: 'deflate',
} as const;
export type CompressType = (typeof CompressType)[keyof typeof CompressType];

/**
 * Returns the raw body. `rawSize` is x-log-bodyrawsize, required with compression (the
 * decompressed length must match it, as the real service checks).
 */
export function decompressBody(
  body: Buffer,
  compressType: string | undefined,
  rawSize: string | undefined,
): Buffer {
  if (compressType === undefined || compressType === '') return body;
  if (compressType !== CompressType.Lz4 && compressType !== CompressType.Deflate) {
    throw SlsErrors.invalidCompressType(compressType);
  }
  if (rawSize === undefined) throw SlsErrors.missingBodyRawSize();
  const size = Number(rawSize);
  if (!Number.isInteger(size) || size < 0) throw SlsErrors.invalidBodyRawSize();
  let raw: Buffer;
  try {
    raw = compressType === CompressType.Lz4 ? lz4BlockDecompress(body, size) : inflateSync(body);
  } catch {
    throw SlsErrors.uncompress();
  }
  if (raw.length !== size) throw SlsErrors.invalidBodyRawSize();
  return raw;
}

/**
 * LZ4 block format (not the frame format: SLS sends bare blocks with the raw size in a header).
 * Sequence: token (literal length << 4 | match length - 4), extended lengths in 255-runs,
 * literals, 2-byte little-endian offset, match copied byte by byte (it may overlap itself).
 */
export function lz4BlockDecompress(input: Uint8Array, rawSize: number): Buffer {
  const out = Buffer.alloc(rawSize);
  let ip = 0;
  let op = 0;
  const readLength = (initial: number): number => {
    let length = initial;
    if (initial === 15) {
      let byte = 255;
      while (byte === 255) {
        if (ip >= input.length) throw new RangeError('lz4: truncated length');
        byte = input[ip++]!;
        length += byte;
      }
    }
    return length;
  };
  while (ip < input.length) {
    const token = input[ip++]!;
    const literals = readLength(token >> 4);
    if (ip + literals > input.length || op + literals > rawSize) {
      throw new RangeError('lz4: literals overrun');
    }
    out.set(input.subarray(ip, ip + literals), op);
    ip += literals;
    op += literals;
    if (ip >= input.length) break; // the last sequence has literals only
    if (ip + 2 > input.length) throw new RangeError('lz4: truncated offset');
    const offset = input[ip]! | (input[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new RangeError('lz4: bad offset');
    const matchLength = readLength(token & 15) + 4;
    if (op + matchLength > rawSize) throw new RangeError('lz4: match overrun');
    for (let i = 0; i < matchLength; i++, op++) out[op] = out[op - offset]!;
  }
  if (op !== rawSize) throw new RangeError('lz4: short output');
  return out;
}
