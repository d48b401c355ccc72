import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { toXml } from '../../emulator/protocol/xml.ts';

describe('toXml (RPC XML bodies)', () => {
  it('roots the body at the given element and repeats a list element per item', () => {
    expect(toXml('R', { Regions: { Region: [{ RegionId: 'a' }, { RegionId: 'b' }] } })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<R><Regions><Region><RegionId>a</RegionId></Region><Region><RegionId>b</RegionId></Region></Regions></R>',
    );
  });

  it('writes an empty list as an empty wrapper, numbers and booleans as text', () => {
    expect(toXml('R', { Tags: { Tag: [] }, Size: 40, Encrypted: false })).toContain(
      '<Tags></Tags><Size>40</Size><Encrypted>false</Encrypted>',
    );
  });

  it('escapes markup in text so that a parser reads the value back unchanged', () => {
    const value = `a<b>&"c"'d'`;
    const text = toXml('R', { Description: value });
    expect(text).not.toContain('<b>');
    const parsed = new XMLParser({ parseTagValue: false }).parse(text) as {
      R: { Description: string };
    };
    expect(parsed.R.Description).toBe(value);
  });
});
