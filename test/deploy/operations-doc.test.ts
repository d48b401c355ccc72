import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify, ErrorClass } from '../../lib/engine/classify.ts';
import { ALIBABA_API_REFERENCE, OPERATIONS_DOC, seedPages } from './support/paths.ts';
import {
  readTroubleshootingTable,
  referenceCopySnapshotCodes,
  seedErrorCodes,
} from './support/troubleshooting-table.ts';

/** How the doc's "What the replicator does with an error" table names each engine class. */
const DOC_ACTION = {
  [ErrorClass.RetryNow]: 'retry',
  [ErrorClass.RetryNextRun]: 'defer',
  [ErrorClass.SkipItem]: 'skip',
  [ErrorClass.PolicyBug]: 'fail item',
  [ErrorClass.StopDestination]: 'stop destination',
  [ErrorClass.StopRun]: 'abort run',
} as const;
const ACTIONS: string[] = Object.values(DOC_ACTION);

describe('docs/operations.md troubleshooting table', () => {
  const rows = readTroubleshootingTable(OPERATIONS_DOC);
  const rowOf = (code: string) => rows.find((row) => row.codes.includes(code));

  it('has a row for every error code on the CopySnapshot API page', () => {
    const seed = seedErrorCodes(seedPages());
    expect(seed.length).toBeGreaterThanOrEqual(18);
    expect(seed.map((s) => s.code).filter((code) => rowOf(code) === undefined)).toEqual([]);
  });

  it('gives each API-page code the HTTP status the API page gives it', () => {
    const wrong = seedErrorCodes(seedPages())
      .filter(({ code, http }) => !rowOf(code)?.http.split(/\D+/).includes(http))
      .map(({ code, http }) => `${code}: doc says ${rowOf(code)?.http}, API page ${http}`);
    expect(wrong).toEqual([]);
  });

  it('has a row for every code in the reference CopySnapshot error list', () => {
    const codes = referenceCopySnapshotCodes(ALIBABA_API_REFERENCE);
    expect(codes.length).toBeGreaterThan(40);
    expect(codes.filter((code) => rowOf(code) === undefined)).toEqual([]);
  });

  it('says for every row what the replicator does, with one of the defined actions', () => {
    const undefinedAction = rows
      .filter((row) => !ACTIONS.some((action) => row.action.startsWith(action)))
      .map((row) => `${row.codes.join(', ')}: "${row.action}"`);
    expect(undefinedAction).toEqual([]);
  });

  it('says for each code what the engine classifier does with it', () => {
    const disagreements = rows.flatMap((row) =>
      row.codes
        .filter(
          (code) =>
            !row.action.startsWith(DOC_ACTION[classify(code, Number(row.http) || undefined)]),
        )
        .map((code) => `${code}: doc "${row.action}", engine ${classify(code)}`),
    );
    expect(disagreements).toEqual([]);
  });

  it('tells the operator what to do for every row', () => {
    expect(rows.filter((row) => row.operator.length < 8 || row.meaning.length < 8)).toEqual([]);
  });
});

describe('docs/operations.md on FC 3.0', () => {
  const doc = readFileSync(OPERATIONS_DOC, 'utf8');

  it("attributes the function's own log delivery to FC's service-linked role, not the function's role", () => {
    expect(doc).toContain('AliyunServiceRoleForFC');
    expect(doc).not.toMatch(/stdout to its logstore with the same role/);
  });

  it('relies on no instanceConcurrency setting', () => {
    expect(doc).not.toMatch(/instanceConcurrency: 1/);
  });
});
