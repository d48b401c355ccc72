import { describe, expect, it } from 'vitest';
import { isUnsafeForTerminal, neutralise, term, toSafeJson } from '../../lib/terminal-safe.ts';

const ESC = '\u001b';
const CSI = '\u009b';
const RLO = '\u202e';
const LRI = '\u2066';
const ZWSP = '\u200b';

describe('neutralise', () => {
  it('leaves printable text, accents and CJK as they are (the same string)', () => {
    const text = 'd-bp1abc snapshot ledger-週次 café';
    expect(neutralise(text)).toBe(text);
  });

  it('shows ESC, C0 and C1 controls as \\xHH: an escape sequence is printed, not obeyed', () => {
    expect(neutralise(`s-1${ESC}]0;pwned\u0007`)).toBe('s-1\\x1b]0;pwned\\x07');
    expect(neutralise(`a\nb\rc\td`)).toBe('a\\x0ab\\x0dc\\x09d');
    expect(neutralise(`x${CSI}2J\u007f`)).toBe('x\\x9b2J\\x7f');
  });

  it('shows bidi overrides, isolates and zero-width characters as \\uHHHH', () => {
    expect(neutralise(`s-${RLO}exe.gnp`)).toBe('s-\\u202eexe.gnp');
    expect(neutralise(`${LRI}a\u2069`)).toBe('\\u2066a\\u2069');
    expect(neutralise(`d-1${ZWSP}\u200d\ufeff`)).toBe('d-1\\u200b\\u200d\\ufeff');
    for (const code of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      expect(isUnsafeForTerminal(code), code.toString(16)).toBe(true);
    }
  });

  it('draws the line just outside each range: the neighbours stay printable', () => {
    for (const code of [0x20, 0x7e, 0xa0, 0x200a, 0x2010, 0x2027, 0x202f, 0x205f, 0x206a]) {
      expect(isUnsafeForTerminal(code), code.toString(16)).toBe(false);
    }
  });

  it('is idempotent, so a line may be neutralised twice', () => {
    const once = neutralise(`${ESC}[31m${RLO}x`);
    expect(neutralise(once)).toBe(once);
  });
});

describe('term', () => {
  it('neutralises the interpolated values, not the literal text', () => {
    expect(term`copy ${`s-${ESC}[2J`} -> ${'cn-beijing'}`).toBe('copy s-\\x1b[2J -> cn-beijing');
  });
});

describe('toSafeJson', () => {
  it('parses back to exactly the same value, with no raw unsafe character in the text', () => {
    const value = { id: `s-${ESC}${CSI}${RLO}${ZWSP}\u007f`, n: 1, nested: [`${LRI}t\n`] };
    const json = toSafeJson(value, 2);
    expect(JSON.parse(json)).toEqual(value);
    const raw = [...json].filter((c) => c !== '\n' && isUnsafeForTerminal(c.charCodeAt(0)));
    expect(raw).toEqual([]);
    expect(json).toContain('\\u009b\\u202e\\u200b\\u007f');
  });

  it('is JSON.stringify for ordinary values', () => {
    const value = { a: 'b', c: [1, 2], d: 'é' };
    expect(toSafeJson(value)).toBe(JSON.stringify(value));
    expect(toSafeJson(value, 2)).toBe(JSON.stringify(value, null, 2));
  });
});
