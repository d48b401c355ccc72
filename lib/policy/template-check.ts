import { API_LIMITS, charLength } from './api-rules.ts';
import { PLACEHOLDERS, parseTemplate, placeholderList, type TemplateSegment } from './template.ts';

/**
 * Static checks of copy templates. Rendering sanitises anyway (see render.ts); these checks
 * catch templates whose intent the sanitiser would have to rewrite, so the operator finds
 * out at validate time instead of wondering why copies are named "dr-...".
 */

const NAME_CHAR = /[A-Za-z0-9:_.-]/;

function unknownPlaceholders(segments: TemplateSegment[]): string[] {
  return segments
    .filter((s) => s.kind === 'unknown')
    .map((s) => `unknown placeholder ${s.raw}; the placeholders are ${placeholderList()}`);
}

function minLength(segments: TemplateSegment[]): number {
  return segments.reduce(
    (n, s) =>
      n +
      (s.kind === 'literal'
        ? charLength(s.text)
        : s.kind === 'placeholder'
          ? PLACEHOLDERS[s.name].minLength
          : 0),
    0,
  );
}

function literalLength(segments: TemplateSegment[]): number {
  return segments.reduce((n, s) => n + (s.kind === 'literal' ? charLength(s.text) : 0), 0);
}

/** What the rendered name can start with, when that may be something other than a letter. */
function nonLetterStart(segments: TemplateSegment[]): string | undefined {
  for (const s of segments) {
    if (s.kind === 'literal') {
      return /^[A-Za-z]/.test(s.text) ? undefined : `"${s.text.slice(0, 1)}"`;
    }
    if (s.kind === 'unknown') return s.raw;
    const shape = PLACEHOLDERS[s.name];
    if (!shape.startsWithLetter) return `{${s.name}} (${shape.description})`;
    if (shape.minLength > 0) return undefined;
  }
  return undefined;
}

export function nameTemplateProblems(template: string): string[] {
  const segments = parseTemplate(template);
  const problems = unknownPlaceholders(segments);
  const bad = new Set<string>();
  for (const s of segments) {
    if (s.kind !== 'literal') continue;
    for (const ch of s.text) if (!NAME_CHAR.test(ch)) bad.add(JSON.stringify(ch));
  }
  if (bad.size > 0) {
    problems.push(
      `contains characters a snapshot name cannot have (${[...bad].join(' ')}); use letters, digits and : _ . -`,
    );
  }
  const start = nonLetterStart(segments);
  if (start) {
    problems.push(
      `a snapshot name must start with a letter, but this template can start with ${start}; put a letter first, e.g. dr-${template}`,
    );
  } else if (/^auto/i.test(template)) {
    problems.push('names starting with "auto" are reserved for automatic snapshots');
  }
  if (minLength(segments) < API_LIMITS.nameMinLength) {
    problems.push(`can render a name shorter than ${API_LIMITS.nameMinLength} characters`);
  }
  if (literalLength(segments) > API_LIMITS.nameMaxLength) {
    problems.push(`the fixed text alone is longer than ${API_LIMITS.nameMaxLength} characters`);
  }
  return problems;
}

export function descriptionTemplateProblems(template: string): string[] {
  const segments = parseTemplate(template);
  const problems = unknownPlaceholders(segments);
  if (/^\s*https?:\/\//i.test(template)) {
    problems.push('a snapshot description cannot start with http:// or https://');
  }
  if (minLength(segments) < API_LIMITS.descriptionMinLength) {
    problems.push(
      `can render a description shorter than ${API_LIMITS.descriptionMinLength} characters`,
    );
  }
  if (literalLength(segments) > API_LIMITS.descriptionMaxLength) {
    problems.push(
      `the fixed text alone is longer than ${API_LIMITS.descriptionMaxLength} characters`,
    );
  }
  return problems;
}
