import { API_LIMITS, charLength } from './api-rules.ts';
import { parseTemplate } from './template.ts';

export {
  isValidDescription,
  isValidSnapshotName,
  isValidTagKey,
  isValidTagValue,
} from './api-rules.ts';

/**
 * Renders copy names and descriptions. Both functions are total: whatever the source
 * snapshot is called (unicode, empty, 500 characters, a URL), the result satisfies the
 * CopySnapshot rules, so a valid policy never fails at copy time with a Malformed error.
 */

export type TemplateVars = {
  sourceName: string;
  snapshotId: string;
  diskId: string;
  sourceRegion: string;
  destRegion: string;
  date: Date;
};

/** Tags stamped on every copy; reconcile and pruning find copies by them. */
export const PROVENANCE_TAG_KEYS = {
  policy: 'dr-replicator:policy',
  sourceSnapshot: 'dr-replicator:source-snapshot',
  sourceRegion: 'dr-replicator:source-region',
  sourceDisk: 'dr-replicator:source-disk',
  /**
   * The source snapshot's CreationTime: the recovery point the copy restores. ECS does not
   * report it on a copy, and the source may be gone (its own retention) when prune or status
   * need to order copies by recovery point.
   */
  sourceTime: 'dr-replicator:source-time',
} as const;

/** Prefix for names that would not start with a letter (or would start with reserved "auto"). */
export const NAME_FALLBACK_PREFIX = 'dr-';

const URL_PREFIX = /^(?:\s*https?:\/\/)+/i;
const NAME_DISALLOWED = /[^A-Za-z0-9:_.-]+/g;
// ECS marks snapshots whose name starts with "auto" as automatic; never name a copy that way.
const RESERVED_NAME_START = /^auto/i;
const CONTROL = /[\p{Cc}\u2028\u2029]/gu;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `{date}`: UTC YYYYMMDD-HHmm, made only of characters every name allows. */
export function formatTemplateDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '00000000-0000';
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}

interface Part {
  text: string;
  /** Only {sourceName} is unbounded; it is shortened first so ids and dates survive. */
  shrinkable: boolean;
}

function renderParts(
  template: string,
  vars: TemplateVars,
  clean: (s: string, isValue: boolean) => string,
): Part[] {
  return parseTemplate(template).map((seg) => {
    if (seg.kind === 'literal') return { text: clean(seg.text, false), shrinkable: false };
    if (seg.kind === 'unknown') return { text: clean(seg.raw, false), shrinkable: false };
    const value = seg.name === 'date' ? formatTemplateDate(vars.date) : vars[seg.name];
    return { text: clean(value, true), shrinkable: seg.name === 'sourceName' };
  });
}

/** Joins parts, shortening shrinkable ones (last first) so the total fits `budget` characters. */
function fitToLength(parts: Part[], budget: number): string {
  let excess = parts.reduce((n, p) => n + charLength(p.text), 0) - budget;
  for (let i = parts.length - 1; i >= 0 && excess > 0; i--) {
    const part = parts[i];
    if (!part?.shrinkable) continue;
    const chars = Array.from(part.text);
    const keep = Math.max(0, chars.length - excess);
    excess -= chars.length - keep;
    part.text = chars.slice(0, keep).join('');
  }
  return parts.map((p) => p.text).join('');
}

function cleanNamePart(s: string, isValue: boolean): string {
  const cleaned = s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(URL_PREFIX, '')
    .replace(NAME_DISALLOWED, '-');
  return isValue ? cleaned.replace(/^-+|-+$/g, '') : cleaned;
}

function needsNamePrefix(s: string): boolean {
  return !/^[A-Za-z]/.test(s) || RESERVED_NAME_START.test(s);
}

/** DestinationSnapshotName for a copy: always 2-128 chars, letter first, [A-Za-z0-9:_.-]. */
export function renderCopyName(template: string, vars: TemplateVars): string {
  const parts = renderParts(template, vars, cleanNamePart);
  const prefixed = needsNamePrefix(parts.map((p) => p.text).join(''));
  const budget = API_LIMITS.nameMaxLength - (prefixed ? NAME_FALLBACK_PREFIX.length : 0);
  let name = fitToLength(parts, budget);
  if (needsNamePrefix(name)) name = NAME_FALLBACK_PREFIX + name;
  return name.padEnd(API_LIMITS.nameMinLength, '_').slice(0, API_LIMITS.nameMaxLength);
}

function cleanDescriptionPart(s: string): string {
  return s.replace(CONTROL, ' ').replace(LONE_SURROGATE, '\uFFFD');
}

/** DestinationSnapshotDescription for a copy: always 2-256 chars, never starting with a URL. */
export function renderCopyDescription(template: string, vars: TemplateVars): string {
  const parts = renderParts(template, vars, cleanDescriptionPart);
  let text = fitToLength(parts, API_LIMITS.descriptionMaxLength)
    .trim()
    .replace(URL_PREFIX, '')
    .trim();
  if (charLength(text) < API_LIMITS.descriptionMinLength) {
    text = text ? `${text} (DR copy)` : 'DR copy';
  }
  return Array.from(text).slice(0, API_LIMITS.descriptionMaxLength).join('');
}

/** The provenance tags of a copy. Values are ids, a time and the policy name: always valid. */
export function provenanceTags(
  policyName: string,
  vars: Pick<TemplateVars, 'snapshotId' | 'sourceRegion' | 'diskId' | 'date'>,
): Record<(typeof PROVENANCE_TAG_KEYS)[keyof typeof PROVENANCE_TAG_KEYS], string> {
  return {
    [PROVENANCE_TAG_KEYS.policy]: policyName,
    [PROVENANCE_TAG_KEYS.sourceSnapshot]: vars.snapshotId,
    [PROVENANCE_TAG_KEYS.sourceRegion]: vars.sourceRegion,
    [PROVENANCE_TAG_KEYS.sourceDisk]: vars.diskId,
    [PROVENANCE_TAG_KEYS.sourceTime]: sourceTimeTag(vars.date),
  };
}

/** yyyy-MM-ddTHH:mm:ssZ: the API's own time format, sortable as text. */
export function sourceTimeTag(date: Date): string {
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
