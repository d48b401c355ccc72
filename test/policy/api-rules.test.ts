import { describe, expect, it } from 'vitest';
import {
  isValidDescription,
  isValidRetentionDays,
  isValidSnapshotName,
  isValidTagKey,
  isValidTagValue,
} from '../../lib/policy/api-rules.ts';

describe('isValidSnapshotName (CopySnapshot DestinationSnapshotName)', () => {
  it('accepts letters, digits and : _ . - starting with a letter', () => {
    expect(isValidSnapshotName('dr-db01_a:b.c-20261127-0400')).toBe(true);
  });
  it('rejects a name shorter than 2 characters', () => {
    expect(isValidSnapshotName('a')).toBe(false);
  });
  it('accepts 128 characters and rejects 129', () => {
    expect(isValidSnapshotName(`a${'b'.repeat(127)}`)).toBe(true);
    expect(isValidSnapshotName(`a${'b'.repeat(128)}`)).toBe(false);
  });
  it('rejects a name starting with a digit', () => {
    expect(isValidSnapshotName('1abc')).toBe(false);
  });
  it('rejects http:// and https:// prefixes', () => {
    expect(isValidSnapshotName('http://x')).toBe(false);
    expect(isValidSnapshotName('HTTPS://x')).toBe(false);
  });
  it('rejects spaces, slashes and non-ASCII letters', () => {
    expect(isValidSnapshotName('db copy')).toBe(false);
    expect(isValidSnapshotName('db/copy')).toBe(false);
    expect(isValidSnapshotName('dbé')).toBe(false);
  });
});

describe('isValidDescription (CopySnapshot DestinationSnapshotDescription)', () => {
  it('accepts unicode text of 2 to 256 characters', () => {
    expect(isValidDescription('数据库')).toBe(true);
    expect(isValidDescription('é'.repeat(256))).toBe(true);
  });
  it('counts characters, not UTF-16 units', () => {
    expect(isValidDescription('😀'.repeat(256))).toBe(true);
    expect(isValidDescription('😀'.repeat(257))).toBe(false);
  });
  it('rejects fewer than 2 characters', () => {
    expect(isValidDescription('x')).toBe(false);
  });
  it('rejects a description starting with http:// or https://', () => {
    expect(isValidDescription('https://example.com')).toBe(false);
    expect(isValidDescription('  http://example.com')).toBe(false);
  });
  it('accepts a URL later in the text', () => {
    expect(isValidDescription('see https://example.com')).toBe(true);
  });
});

describe('isValidTagKey (Tag.N.Key)', () => {
  it('rejects an empty key', () => {
    expect(isValidTagKey('')).toBe(false);
  });
  it('rejects keys starting with acs: or aliyun', () => {
    expect(isValidTagKey('acs:x')).toBe(false);
    expect(isValidTagKey('aliyunTeam')).toBe(false);
  });
  it('rejects keys containing http:// or https://', () => {
    expect(isValidTagKey('a-https://b')).toBe(false);
  });
  it('accepts 128 characters and rejects 129', () => {
    expect(isValidTagKey('k'.repeat(128))).toBe(true);
    expect(isValidTagKey('k'.repeat(129))).toBe(false);
  });
});

describe('isValidTagValue (Tag.N.Value)', () => {
  it('accepts an empty value', () => {
    expect(isValidTagValue('')).toBe(true);
  });
  it('rejects values starting with acs: or aliyun, as the seed says', () => {
    expect(isValidTagValue('aliyun-prod')).toBe(false);
  });
  it('rejects values longer than 128 characters', () => {
    expect(isValidTagValue('v'.repeat(129))).toBe(false);
  });
});

describe('isValidRetentionDays', () => {
  it('accepts 1 to 65536 whole days only', () => {
    expect([0, 1, 65536, 65537, 1.5].map(isValidRetentionDays)).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
  });
});
