import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatTemplateDate,
  isValidDescription,
  isValidSnapshotName,
  isValidTagKey,
  isValidTagValue,
  PROVENANCE_TAG_KEYS,
  provenanceTags,
  renderCopyDescription,
  renderCopyName,
  type TemplateVars,
} from '../../lib/policy/render.ts';

const DEFAULT_NAME = 'dr-{sourceName}-{date}';
const DEFAULT_DESCRIPTION = 'DR copy of {snapshotId} ({diskId}) from {sourceRegion}';

function vars(sourceName: string): TemplateVars {
  return {
    sourceName,
    snapshotId: 's-bp17441ohwka0yui0001',
    diskId: 'd-bp1disk0001',
    sourceRegion: 'cn-hangzhou',
    destRegion: 'cn-beijing',
    date: new Date('2026-11-27T04:05:06Z'),
  };
}

/** The nasty source names the issue lists, plus a few more. */
const NASTY_NAMES = [
  '',
  'x',
  '数据库备份',
  'é'.repeat(500),
  'a'.repeat(500),
  'http://evil.example/x',
  'https://https://x',
  '12345',
  '😀😀😀',
  '   ',
  'auto_20261127_1',
  '\n\t',
  '\uD800',
];

describe('renderCopyName', () => {
  it('fills every placeholder', () => {
    expect(
      renderCopyName(
        '{sourceName}-{snapshotId}-{diskId}-{sourceRegion}-{destRegion}-{date}',
        vars('db01'),
      ),
    ).toBe('db01-s-bp17441ohwka0yui0001-d-bp1disk0001-cn-hangzhou-cn-beijing-20261127-0405');
  });
  it('formats {date} as UTC YYYYMMDD-HHmm', () => {
    expect(formatTemplateDate(new Date('2026-01-02T03:04:59Z'))).toBe('20260102-0304');
  });
  it('replaces characters a name cannot have with a hyphen', () => {
    expect(renderCopyName(DEFAULT_NAME, vars('db 01 (prod)'))).toBe('dr-db-01-prod-20261127-0405');
  });
  it('folds accented letters to ASCII', () => {
    expect(renderCopyName(DEFAULT_NAME, vars('café'))).toBe('dr-cafe-20261127-0405');
  });
  it('prefixes dr- when the name would start with a digit', () => {
    expect(renderCopyName('{date}', vars('x'))).toBe('dr-20261127-0405');
  });
  it('prefixes dr- when the name would start with the reserved "auto"', () => {
    expect(renderCopyName('{sourceName}', vars('auto_20261127_1'))).toBe('dr-auto_20261127_1');
  });
  it('strips a leading http:// from the source name', () => {
    expect(renderCopyName('{sourceName}', vars('http://db01'))).toBe('db01');
  });
  it('shortens the source name, not the date, to fit 128 characters', () => {
    const name = renderCopyName(DEFAULT_NAME, vars('a'.repeat(500)));
    expect(name).toHaveLength(128);
    expect(name.endsWith('-20261127-0405')).toBe(true);
  });
  it('pads a one-letter result to the 2-character minimum', () => {
    expect(renderCopyName('{sourceName}', vars('x'))).toBe('x_');
  });
  it.each(NASTY_NAMES)('renders a valid name for source name %j', (sourceName) => {
    expect(isValidSnapshotName(renderCopyName(DEFAULT_NAME, vars(sourceName)))).toBe(true);
    expect(isValidSnapshotName(renderCopyName('{sourceName}', vars(sourceName)))).toBe(true);
  });
});

describe('renderCopyDescription', () => {
  it('fills the default template', () => {
    expect(renderCopyDescription(DEFAULT_DESCRIPTION, vars('db01'))).toBe(
      'DR copy of s-bp17441ohwka0yui0001 (d-bp1disk0001) from cn-hangzhou',
    );
  });
  it('keeps unicode', () => {
    expect(renderCopyDescription('{sourceName} copy', vars('数据库'))).toBe('数据库 copy');
  });
  it('strips a leading URL', () => {
    expect(renderCopyDescription('{sourceName}', vars('https://x.example/db'))).toBe(
      'x.example/db',
    );
  });
  it('falls back to "DR copy" when nothing is left', () => {
    expect(renderCopyDescription('{sourceName}', vars(''))).toBe('DR copy');
  });
  it('replaces control characters with spaces', () => {
    expect(renderCopyDescription('a{sourceName}b', vars('\n\t'))).toBe('a  b');
  });
  it.each(NASTY_NAMES)('renders a valid description for source name %j', (sourceName) => {
    expect(isValidDescription(renderCopyDescription('{sourceName}', vars(sourceName)))).toBe(true);
  });
});

describe('rendering, for arbitrary source names (property)', () => {
  const sourceNames = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 600 }),
    fc.string({ unit: 'binary', maxLength: 600 }),
    // Raw UTF-16 units, lone surrogates included.
    fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 300,
    }),
    fc.string({ maxLength: 600 }).map((s) => `http://${s}`),
    fc.string({ maxLength: 600 }).map((s) => `https://${s}`),
    fc.stringMatching(/^[0-9]{0,200}$/),
    fc.constantFrom(...NASTY_NAMES),
  );
  const templates = fc.oneof(
    fc.constantFrom(
      DEFAULT_NAME,
      '{sourceName}',
      '{date}-{sourceName}',
      'x{sourceName}',
      '{unknown}',
    ),
    fc.string({ maxLength: 200 }),
  );
  const dates = fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31') });

  it('always yields a name CopySnapshot accepts', () => {
    fc.assert(
      fc.property(templates, sourceNames, dates, (template, sourceName, date) => {
        const name = renderCopyName(template, { ...vars(sourceName), date });
        expect(isValidSnapshotName(name)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('always yields a description CopySnapshot accepts', () => {
    fc.assert(
      fc.property(templates, sourceNames, dates, (template, sourceName, date) => {
        const description = renderCopyDescription(template, { ...vars(sourceName), date });
        expect(isValidDescription(description)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('provenanceTags', () => {
  it('stamps the four provenance keys with valid values', () => {
    const tags = provenanceTags('demo-dr', vars('db01'));
    expect(Object.keys(tags).sort()).toEqual(Object.values(PROVENANCE_TAG_KEYS).sort());
    expect(tags[PROVENANCE_TAG_KEYS.sourceSnapshot]).toBe('s-bp17441ohwka0yui0001');
    for (const [k, v] of Object.entries(tags)) {
      expect(isValidTagKey(k) && isValidTagValue(v)).toBe(true);
    }
  });
});
