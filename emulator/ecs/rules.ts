import type { TagParam } from '../actions/params.ts';
import { apiError } from '../protocol/api-error.ts';

/** Region id shape, e.g. cn-hangzhou, ap-southeast-1, cn-hangzhou-finance. */
export const REGION_ID_RE = /^[a-z]{2,}(-[a-z0-9]+)+$/;

const HTTP_RE = /^https?:\/\//i;
const NAME_RE = /^[A-Za-z][A-Za-z0-9:_.-]{1,127}$/;

/** CopySnapshot DestinationSnapshotName: 2-128 chars, a letter first, [A-Za-z0-9:_.-]. */
export function checkSnapshotName(name: string): void {
  if (!NAME_RE.test(name) || HTTP_RE.test(name)) throw apiError('InvalidSnapshotName.Malformed');
}

/** 2-256 characters, not starting with http(s)://. */
export function checkDescription(description: string): void {
  const length = [...description].length;
  if (length < 2 || length > 256 || HTTP_RE.test(description)) {
    throw apiError('InvalidDescription.Malformed');
  }
}

function badTagText(text: string): boolean {
  return (
    [...text].length > 128 ||
    /https?:\/\//i.test(text) ||
    text.startsWith('acs:') ||
    text.startsWith('aliyun')
  );
}

/**
 * Tag.N rules shared by CopySnapshot and TagResources: N in 1..20, a non-empty key of at most
 * 128 chars, no http(s)://, not starting acs: or aliyun; the value may be empty; keys unique.
 */
export function checkTags(tags: readonly TagParam[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) {
    if (t.n < 1 || t.n > 20) throw apiError('InvalidTagCount');
    if (t.key === undefined || t.key === '' || badTagText(t.key)) {
      throw apiError('InvalidTagKey.Malformed');
    }
    if (t.value !== undefined && badTagText(t.value)) throw apiError('InvalidTagValue.Malformed');
    if (Object.hasOwn(out, t.key)) throw apiError('Duplicate.TagKey');
    out[t.key] = t.value ?? '';
  }
  return out;
}
