import { isKnownRegion, REGIONS } from '../regions.ts';
import { API_LIMITS, tagKeyProblem, tagValueProblem } from './api-rules.ts';
import { longestGapMs, parseSchedule, type Schedule } from './cron.ts';
import type { RawProblem } from './issues.ts';
import { compileNamePattern } from './name-pattern.ts';
import { PROVENANCE_TAG_KEYS } from './render.ts';
import { DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_RPO_HOURS } from './schema.ts';
import { didYouMean } from './suggest.ts';
import { descriptionTemplateProblems, nameTemplateProblems } from './template-check.ts';

/**
 * Checks the schema cannot express. They read the raw parsed YAML defensively (a field of
 * the wrong type is skipped; the schema reports it), so one pass reports schema and semantic
 * problems together instead of making the operator fix them in rounds.
 */

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const PROVENANCE_PREFIX = 'dr-replicator:';
/** Provenance tags plus the reported marker the engine adds once a copy's outcome is recorded. */
const PROVENANCE_COUNT = Object.keys(PROVENANCE_TAG_KEYS).length + 1;
/** DescribeSnapshots takes Tag.1 .. Tag.20 as filters. */
const MAX_SELECT_TAGS = 20;

function regionProblem(region: string): string | undefined {
  if (isKnownRegion(region)) return undefined;
  return `unknown region "${region}"${didYouMean(region, Object.keys(REGIONS))}`;
}

function checkName(p: Obj, out: RawProblem[]): void {
  const name = str(p.name);
  const why = name === undefined ? undefined : tagValueProblem(name);
  if (why) {
    out.push({
      path: ['name'],
      anchor: 'value',
      message: `the name is stamped on every copy as a tag value, and ${why}`,
    });
  }
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return Number.isInteger(h) ? `${h} h` : `${h.toFixed(1)} h`;
}

function checkSchedule(p: Obj, out: RawProblem[]): void {
  const text = str(p.schedule);
  if (text === undefined) return;
  let schedule: Schedule;
  try {
    schedule = parseSchedule(text);
  } catch (error) {
    out.push({ path: ['schedule'], anchor: 'value', message: (error as Error).message });
    return;
  }
  const destinations = list(p.destinations);
  if (destinations.length === 0) return;
  const gap = longestGapMs(schedule);
  destinations.forEach((d, i) => {
    const rpo = obj(d)?.rpoHours ?? DEFAULT_RPO_HOURS;
    if (typeof rpo === 'number' && gap > rpo * 3_600_000) {
      out.push({
        path: ['destinations', i, 'rpoHours'],
        anchor: 'value',
        message: `the schedule can leave ${hours(gap)} between runs, so an RPO of ${rpo} h can never be met`,
      });
    }
  });
}

function checkSource(p: Obj, out: RawProblem[]): Set<string> {
  const source = obj(p.source);
  const regions = new Set<string>();
  if (!source) return regions;
  list(source.regions).forEach((r, i) => {
    if (typeof r !== 'string') return;
    const why = regionProblem(r);
    if (why) out.push({ path: ['source', 'regions', i], anchor: 'value', message: why });
    if (regions.has(r)) {
      out.push({
        path: ['source', 'regions', i],
        anchor: 'value',
        message: `"${r}" is listed twice`,
      });
    }
    regions.add(r);
  });
  const select = obj(source.select);
  const pattern = str(select?.namePattern);
  if (pattern !== undefined) {
    try {
      compileNamePattern(pattern);
    } catch (error) {
      out.push({
        path: ['source', 'select', 'namePattern'],
        anchor: 'value',
        message: (error as Error).message,
      });
    }
  }
  const tags = obj(select?.tags);
  if (tags) {
    const keys = Object.keys(tags);
    if (keys.length > MAX_SELECT_TAGS) {
      out.push({
        path: ['source', 'select', 'tags'],
        anchor: 'value',
        message: `at most ${MAX_SELECT_TAGS} tags can be matched (DescribeSnapshots Tag.N); found ${keys.length}`,
      });
    }
    for (const key of keys) {
      if (key.length === 0 || key.length > API_LIMITS.tagKeyMaxLength) {
        out.push({
          path: ['source', 'select', 'tags', key],
          anchor: 'key',
          message: `a tag key must be 1 to ${API_LIMITS.tagKeyMaxLength} characters`,
        });
      }
    }
  }
  return regions;
}

function checkDestinations(p: Obj, sourceRegions: Set<string>, out: RawProblem[]): void {
  const seen = new Map<string, number>();
  list(p.destinations).forEach((raw, i) => {
    const d = obj(raw);
    const region = str(d?.region);
    if (!d || region === undefined) return;
    const at = ['destinations', i, 'region'];
    const why = regionProblem(region);
    if (why) out.push({ path: at, anchor: 'value', message: why });
    if (sourceRegions.has(region)) {
      out.push({
        path: at,
        anchor: 'value',
        message: `"${region}" is also a source region; CopySnapshot cannot copy within a region`,
      });
    }
    const first = seen.get(region);
    if (first !== undefined) {
      out.push({
        path: at,
        anchor: 'value',
        message: `destination "${region}" is listed twice (also destinations.${first})`,
      });
    } else {
      seen.set(region, i);
    }
    if (d.encrypted === true && d.kmsKeyId === undefined) {
      out.push({
        path: ['destinations', i, 'encrypted'],
        anchor: 'value',
        message: `encrypted: true needs kmsKeyId, the KMS key in ${region} that encrypts the copies`,
      });
    }
    // Only between two valid values: a field already out of range has its own problem.
    const lockDays = obj(d.lock)?.days;
    const retention = d.retentionDays;
    if (
      Number.isInteger(lockDays) &&
      Number.isInteger(retention) &&
      (retention as number) >= 1 &&
      (lockDays as number) > (retention as number)
    ) {
      out.push({
        path: ['destinations', i, 'lock', 'days'],
        anchor: 'value',
        message: `a ${lockDays}-day lock outlives retentionDays ${retention}: ECS requires a lock to expire on or before the copy's retention ends`,
      });
    }
    const keyRegion = /^acs:kms:([^:]+):/.exec(str(d.kmsKeyId) ?? '')?.[1];
    if (keyRegion !== undefined && keyRegion !== region) {
      out.push({
        path: ['destinations', i, 'kmsKeyId'],
        anchor: 'value',
        message: `the key is in ${keyRegion}, but CopySnapshot needs a key in the destination region ${region}`,
      });
    }
  });
}

function checkCopy(p: Obj, out: RawProblem[]): void {
  const copy = obj(p.copy);
  if (!copy) return;
  const name = str(copy.nameTemplate);
  for (const message of name === undefined ? [] : nameTemplateProblems(name)) {
    out.push({ path: ['copy', 'nameTemplate'], anchor: 'value', message });
  }
  const description = str(copy.descriptionTemplate);
  for (const message of description === undefined ? [] : descriptionTemplateProblems(description)) {
    out.push({ path: ['copy', 'descriptionTemplate'], anchor: 'value', message });
  }
  const tags = obj(copy.tags);
  if (!tags) return;
  const keys = Object.keys(tags);
  const lower = new Map<string, string>();
  for (const key of keys) {
    const at = ['copy', 'tags', key];
    const keyWhy = tagKeyProblem(key);
    if (keyWhy) out.push({ path: at, anchor: 'key', message: keyWhy });
    if (key.toLowerCase().startsWith(PROVENANCE_PREFIX)) {
      out.push({
        path: at,
        anchor: 'key',
        message: `tag keys starting with ${PROVENANCE_PREFIX} are reserved for the provenance tags`,
      });
    }
    const twin = lower.get(key.trim().toLowerCase());
    if (twin !== undefined) {
      out.push({
        path: at,
        anchor: 'key',
        message: `duplicate tag key: "${key}" and "${twin}" differ only in case or spaces`,
      });
    }
    lower.set(key.trim().toLowerCase(), key);
    const value = tags[key];
    const valueWhy = typeof value === 'string' ? tagValueProblem(value) : undefined;
    if (valueWhy) out.push({ path: at, anchor: 'value', message: valueWhy });
  }
  if (keys.length + PROVENANCE_COUNT > API_LIMITS.maxTags) {
    out.push({
      path: ['copy', 'tags'],
      anchor: 'key',
      message: `${keys.length} tags plus the ${PROVENANCE_COUNT} provenance tags (with the reported marker) exceed the ${API_LIMITS.maxTags}-tag limit of a snapshot; keep at most ${API_LIMITS.maxTags - PROVENANCE_COUNT}`,
    });
  }
}

function checkLimits(p: Obj, out: RawProblem[]): void {
  const rates = obj(obj(p.limits)?.requestsPerMinute);
  if (!rates) return;
  const start = rates.CopySnapshot;
  const cap = obj(p.limits)?.accountCopySnapshotsPerMinute;
  if (typeof start === 'number' && typeof cap === 'number' && start > cap) {
    out.push({
      path: ['limits', 'requestsPerMinute', 'CopySnapshot'],
      anchor: 'value',
      message: `the starting CopySnapshot rate ${start} is above limits.accountCopySnapshotsPerMinute (${cap}); the rate never exceeds the cap, so start at ${cap} or below`,
    });
  }
  const apis = Object.keys(DEFAULT_REQUESTS_PER_MINUTE);
  for (const api of Object.keys(rates)) {
    if (apis.includes(api)) continue;
    out.push({
      path: ['limits', 'requestsPerMinute', api],
      anchor: 'key',
      message: `unknown API "${api}"${didYouMean(api, apis)}; rates can be set for ${apis.join(', ')}`,
    });
  }
}

function checkLog(p: Obj, out: RawProblem[]): void {
  const log = obj(p.log);
  const region = str(log?.region);
  if (log?.type !== 'sls' || region === undefined) return;
  const why = regionProblem(region);
  if (why) out.push({ path: ['log', 'region'], anchor: 'value', message: why });
}

export function semanticProblems(data: unknown): RawProblem[] {
  const p = obj(data);
  if (!p) return [];
  const out: RawProblem[] = [];
  checkName(p, out);
  checkSchedule(p, out);
  const sourceRegions = checkSource(p, out);
  checkDestinations(p, sourceRegions, out);
  checkCopy(p, out);
  checkLimits(p, out);
  checkLog(p, out);
  checkRestoreDrill(p, out);
  return out;
}

/** A drill zone is a zone of one destination region (zone ids start with their region's id). */
function checkRestoreDrill(p: Obj, out: RawProblem[]): void {
  const zoneId = str(obj(p.restoreDrill)?.zoneId);
  if (zoneId === undefined) return;
  const regions = list(p.destinations)
    .map((d) => str(obj(d)?.region))
    .filter((r): r is string => r !== undefined);
  if (regions.some((r) => zoneId.startsWith(`${r}-`))) return;
  out.push({
    path: ['restoreDrill', 'zoneId'],
    anchor: 'value',
    message: `zone ${zoneId} is in none of the destination regions (${regions.join(', ')}): a drill disk is created where the copy is`,
  });
}
