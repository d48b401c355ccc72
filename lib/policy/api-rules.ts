/**
 * The CopySnapshot parameter rules from its ECS API reference (2014-05-26), in one place so the
 * policy validator, the copy renderer, the engine and the emulator all agree on them.
 * Where the documentation is vague (case, what counts as a character) the checks take the
 * stricter reading: a copy we refuse locally is cheaper than one the API refuses at 3 a.m.
 */

export const API_LIMITS = {
  nameMinLength: 2,
  nameMaxLength: 128,
  descriptionMinLength: 2,
  descriptionMaxLength: 256,
  tagKeyMaxLength: 128,
  tagValueMaxLength: 128,
  /** Tag.N on CopySnapshot / TagResources. */
  maxTags: 20,
  retentionDaysMin: 1,
  retentionDaysMax: 65536,
} as const;

/** Letters, digits, colon, underscore, period, hyphen (the current docs add the period). */
const NAME_CHARS = /^[A-Za-z0-9:_.-]*$/;
const STARTS_WITH_URL = /^https?:\/\//i;
const CONTAINS_URL = /https?:\/\//i;
const RESERVED_TAG_PREFIX = /^(?:acs:|aliyun)/i;
// Lone surrogates cannot be encoded as UTF-8; the API would see replacement characters.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Length in characters (code points), not UTF-16 units. */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** DestinationSnapshotName: 2-128 chars, starts with a letter, [A-Za-z0-9:_.-], no http(s)://. */
export function isValidSnapshotName(s: string): boolean {
  return (
    s.length >= API_LIMITS.nameMinLength &&
    s.length <= API_LIMITS.nameMaxLength &&
    /^[A-Za-z]/.test(s) &&
    NAME_CHARS.test(s) &&
    !STARTS_WITH_URL.test(s)
  );
}

/** DestinationSnapshotDescription: 2-256 chars, must not start with http:// or https://. */
export function isValidDescription(s: string): boolean {
  const n = charLength(s);
  return (
    n >= API_LIMITS.descriptionMinLength &&
    n <= API_LIMITS.descriptionMaxLength &&
    !STARTS_WITH_URL.test(s.trimStart()) &&
    !LONE_SURROGATE.test(s)
  );
}

/** Tag.N.Key: 1-128 chars, no http(s)://, must not start with acs: or aliyun. */
export function isValidTagKey(s: string): boolean {
  const n = charLength(s);
  return (
    n >= 1 &&
    n <= API_LIMITS.tagKeyMaxLength &&
    !CONTAINS_URL.test(s) &&
    !RESERVED_TAG_PREFIX.test(s) &&
    !LONE_SURROGATE.test(s)
  );
}

/** Tag.N.Value: 0-128 chars, no http(s)://, must not start with acs: or aliyun (per the seed). */
export function isValidTagValue(s: string): boolean {
  return (
    charLength(s) <= API_LIMITS.tagValueMaxLength &&
    !CONTAINS_URL.test(s) &&
    !RESERVED_TAG_PREFIX.test(s) &&
    !LONE_SURROGATE.test(s)
  );
}

/** Why a tag key is rejected, for messages; undefined when it is valid. */
export function tagKeyProblem(s: string): string | undefined {
  if (s.length === 0) return 'a tag key cannot be empty';
  if (charLength(s) > API_LIMITS.tagKeyMaxLength) {
    return `a tag key can be at most ${API_LIMITS.tagKeyMaxLength} characters`;
  }
  if (CONTAINS_URL.test(s)) return 'a tag key cannot contain http:// or https://';
  if (RESERVED_TAG_PREFIX.test(s)) return 'a tag key cannot start with acs: or aliyun (reserved)';
  if (LONE_SURROGATE.test(s)) return 'a tag key must be valid unicode text';
  return undefined;
}

/** Why a tag value is rejected, for messages; undefined when it is valid. */
export function tagValueProblem(s: string): string | undefined {
  if (charLength(s) > API_LIMITS.tagValueMaxLength) {
    return `a tag value can be at most ${API_LIMITS.tagValueMaxLength} characters`;
  }
  if (CONTAINS_URL.test(s)) return 'a tag value cannot contain http:// or https://';
  if (RESERVED_TAG_PREFIX.test(s)) return 'a tag value cannot start with acs: or aliyun (reserved)';
  if (LONE_SURROGATE.test(s)) return 'a tag value must be valid unicode text';
  return undefined;
}

export function isValidRetentionDays(n: number): boolean {
  return (
    Number.isInteger(n) && n >= API_LIMITS.retentionDaysMin && n <= API_LIMITS.retentionDaysMax
  );
}
