import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../emulator/index.ts';
import {
  classify,
  ERROR_CLASSES,
  ErrorClass,
  isKnownErrorCode,
} from '../../lib/engine/classify.ts';
import { seedText } from '../fixtures/seed-pages.ts';

const root = join(import.meta.dirname, '..', '..');

/** Rows of the seed's error table: "<status> <Code> <message>". */
function seedErrorTable(): { status: number; code: string }[] {
  const text = seedText();
  const table = text.slice(text.indexOf('Error codes'));
  return [...table.matchAll(/^(\d{3})\s+([A-Za-z][\w.]*)\s/gm)].map((m) => ({
    status: Number(m[1]),
    code: m[2] ?? '',
  }));
}

/** Every `Code` in the reference's full CopySnapshot error list (alibaba-api.md §2). */
function referenceCopySnapshotCodes(): string[] {
  const text = readFileSync(join(root, 'test', 'fixtures', 'alibaba-api.md'), 'utf8');
  const lines = text.slice(text.indexOf('**Full error list')).split('\n').slice(1);
  // The list: the bullet lines right after the heading (blank lines before it skipped).
  const firstBullet = lines.findIndex((l) => l.startsWith('- '));
  const afterList = lines.findIndex((l, i) => i > firstBullet && !l.startsWith('- '));
  const section = lines.slice(firstBullet, afterList).join('\n');
  return [...section.matchAll(/`([A-Za-z][\w.]*)`/g)]
    .map((m) => m[1] ?? '')
    .filter((c) => !c.includes('{'));
}

describe('classify', () => {
  it('finds the error table in the seed (the parser reads real rows)', () => {
    const rows = seedErrorTable();
    expect(rows.length).toBeGreaterThanOrEqual(18);
    expect(rows.map((r) => r.code)).toContain('InvalidSnapshotId.NotReady');
  });

  it('classifies every code in the seed error table', () => {
    const unclassified = seedErrorTable()
      .map((r) => r.code)
      .filter((code) => !isKnownErrorCode(code));
    expect(unclassified).toEqual([]);
  });

  it('classifies every code in the reference full CopySnapshot error list', () => {
    const codes = referenceCopySnapshotCodes();
    expect(codes.length).toBeGreaterThan(40);
    expect(codes.filter((code) => !isKnownErrorCode(code))).toEqual([]);
  });

  it('classifies every code the emulator can return', () => {
    expect(Object.keys(ERROR_CATALOG).filter((code) => !isKnownErrorCode(code))).toEqual([]);
  });

  it.each([
    ['InvalidSnapshotId.NotReady', ErrorClass.RetryNextRun],
    ['InvalidOperation.UnfinishedCrossRegionCopy', ErrorClass.RetryNextRun],
    ['InvalidSnapshotId.NotFound', ErrorClass.SkipItem],
    ['InvalidParameter.KMSKeyId.CMKNotEnabled', ErrorClass.StopDestination],
    ['QuotaExceed.SnapshotQuota', ErrorClass.StopDestination],
    ['InvalidRegion.NotSupport', ErrorClass.StopDestination],
    ['InvalidAccountStatus.NotEnoughBalance', ErrorClass.StopRun],
    ['InvalidUser.NotInWhiteList', ErrorClass.StopRun],
    ['Forbidden.RAM', ErrorClass.StopRun],
    ['InvalidSnapshotName.Malformed', ErrorClass.PolicyBug],
    ['InvalidTagKey.Malformed', ErrorClass.PolicyBug],
    ['InvalidRetentionDays.Malformed', ErrorClass.PolicyBug],
    ['Throttling.User', ErrorClass.RetryNow],
    ['ServiceUnavailable', ErrorClass.RetryNow],
    ['InternalError', ErrorClass.RetryNow],
    ['RequestTimeout', ErrorClass.RetryNow],
    ['ConnectionReset', ErrorClass.RetryNow],
  ])('puts %s in class %s', (code, expected) => {
    expect(classify(code)).toBe(expected);
  });

  it('retries unknown throttling codes and unknown 5xx, fails other unknown codes', () => {
    expect(classify('Throttling.Something.New')).toBe(ErrorClass.RetryNow);
    expect(classify('Brand.New.ServerError', 502)).toBe(ErrorClass.RetryNow);
    expect(classify('Brand.New.ClientError', 403)).toBe(ErrorClass.PolicyBug);
  });

  it('uses only the six classes', () => {
    const classes = new Set(Object.values(ErrorClass));
    expect(Object.values(ERROR_CLASSES).filter((c) => !classes.has(c))).toEqual([]);
  });
});
