import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompressBody, lz4BlockDecompress } from '../../emulator/sls/compression.ts';

// Hand-assembled LZ4 blocks (format: lz4/doc/lz4_Block_format.md).
// Token 0x3B: 3 literals "abc", then a match of 11 + 4 = 15 bytes at offset 3 (overlapping);
// token 0x50: 5 final literals.
const OVERLAP_BLOCK = Buffer.from([
  0x3b, 0x61, 0x62, 0x63, 0x03, 0x00, 0x50, 0x58, 0x59, 0x5a, 0x31, 0x32,
]);
const OVERLAP_TEXT = 'abcabcabcabcabcabcXYZ12';

describe('lz4BlockDecompress', () => {
  it('copies overlapping matches byte by byte', () => {
    expect(lz4BlockDecompress(OVERLAP_BLOCK, OVERLAP_TEXT.length).toString()).toBe(OVERLAP_TEXT);
  });

  it('reads a literal length extended past 15 with 255-runs', () => {
    const literals = 'x'.repeat(15 + 255 + 3);
    const block = Buffer.concat([Buffer.from([0xf0, 255, 3]), Buffer.from(literals)]);
    expect(lz4BlockDecompress(block, literals.length).toString()).toBe(literals);
  });

  it('rejects an offset that points before the start of the output', () => {
    const block = Buffer.from([0x10, 0x61, 0x05, 0x00]);
    expect(() => lz4BlockDecompress(block, 5)).toThrow(RangeError);
  });
});

describe('decompressBody', () => {
  it('passes an uncompressed body through', () => {
    const body = Buffer.from('raw');
    expect(decompressBody(body, undefined, undefined)).toBe(body);
  });

  it('inflates deflate bodies', () => {
    const raw = Buffer.from('hello '.repeat(100));
    expect(decompressBody(deflateSync(raw), 'deflate', String(raw.length)).equals(raw)).toBe(true);
  });

  it('requires x-log-bodyrawsize with compression', () => {
    expect(() => decompressBody(OVERLAP_BLOCK, 'lz4', undefined)).toThrow(
      expect.objectContaining({ errorCode: 'MissingBodyRawSize' }),
    );
  });

  it('rejects a raw size that does not match the decompressed body', () => {
    const raw = Buffer.from('abc');
    expect(() => decompressBody(deflateSync(raw), 'deflate', '4')).toThrow(
      expect.objectContaining({ errorCode: 'InvalidBodyRawSize' }),
    );
  });

  it('rejects an unknown compress type with InvalidCompressType', () => {
    expect(() => decompressBody(Buffer.from('x'), 'zstd', '1')).toThrow(
      expect.objectContaining({ errorCode: 'InvalidCompressType', status: 400 }),
    );
  });

  it('reports a corrupt body as PostBodyUncompressError', () => {
    expect(() => decompressBody(Buffer.from('not deflate'), 'deflate', '3')).toThrow(
      expect.objectContaining({ errorCode: 'PostBodyUncompressError' }),
    );
  });
});
