/**
 * Copy name / description templates: `{placeholder}` tokens between literal text. What each
 * placeholder can render to is described here once, so the validator can reason about a
 * template (can it start with a digit? be too short?) without rendering it.
 */

export interface PlaceholderShape {
  readonly description: string;
  readonly minLength: number;
  /** True when the rendered value always starts with an ASCII letter. */
  readonly startsWithLetter: boolean;
}

export const PLACEHOLDERS = {
  sourceName: {
    description: 'source snapshot name (may be empty, non-ASCII or start with a digit)',
    minLength: 0,
    startsWithLetter: false,
  },
  snapshotId: { description: 'source snapshot id (s-...)', minLength: 3, startsWithLetter: true },
  diskId: { description: 'source disk id (d-...)', minLength: 3, startsWithLetter: true },
  sourceRegion: { description: 'source region id', minLength: 5, startsWithLetter: true },
  destRegion: { description: 'destination region id', minLength: 5, startsWithLetter: true },
  date: {
    description: 'source snapshot creation time, UTC, as YYYYMMDD-HHmm',
    minLength: 13,
    startsWithLetter: false,
  },
} as const satisfies Record<string, PlaceholderShape>;

export type PlaceholderName = keyof typeof PLACEHOLDERS;

export type TemplateSegment =
  | { kind: 'literal'; text: string }
  | { kind: 'placeholder'; name: PlaceholderName; raw: string }
  | { kind: 'unknown'; raw: string };

export function isPlaceholderName(s: string): s is PlaceholderName {
  return Object.hasOwn(PLACEHOLDERS, s);
}

/** Splits a template into literals and `{...}` tokens; a token that is no placeholder is `unknown`. */
export function parseTemplate(template: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{([^{}]*)\}/g)) {
    if (m.index > last) segments.push({ kind: 'literal', text: template.slice(last, m.index) });
    const inner = m[1] ?? '';
    segments.push(
      isPlaceholderName(inner)
        ? { kind: 'placeholder', name: inner, raw: m[0] }
        : { kind: 'unknown', raw: m[0] },
    );
    last = m.index + m[0].length;
  }
  if (last < template.length) segments.push({ kind: 'literal', text: template.slice(last) });
  return segments;
}

export function placeholderList(): string {
  return Object.keys(PLACEHOLDERS)
    .map((k) => `{${k}}`)
    .join(' ');
}
