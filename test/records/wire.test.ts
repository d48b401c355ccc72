import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { toSlsLog } from '../../lib/cloud/sls-batch.ts';
import { recordsJsonSchemaText } from '../../lib/records/json-schema.ts';
import { parseClaimRecord, parseLogRecord } from '../../lib/records/parse.ts';
import { LogRecordSchema } from '../../lib/records/schema.ts';
import type { ClaimRecord } from '../../lib/records/types.ts';
import { encodeContents } from '../../lib/records/wire.ts';
import { alert, item, run } from '../ops/fixtures.ts';

const claim: ClaimRecord = {
  kind: 'claim',
  time: '2026-11-27T10:00:00.000Z',
  scope: 'lease.nightly',
  holder: 'run-1',
  group: 'run-1',
  startedAt: 1_795_000_000_000,
  expiresAt: 1_795_000_060_000,
  writtenAt: 1_795_000_000_000,
  released: false,
};

describe('encodeContents', () => {
  it('stores every value as SLS text: numbers and flags as their string, counts as JSON', () => {
    const record = { ...run({ runId: 'r-1', finishedAt: '2026-11-27T10:00:00Z' }), dryRun: 'true' };
    const content = encodeContents(record as never);
    expect(content.dryRun).toBe('true');
    expect(content.exitCode).toBe('0');
    expect(content.durationMs).toBe('4000');
    expect(JSON.parse(content.totals ?? '')).toEqual(record.totals);
    expect(Object.keys(content)).toEqual(Object.keys(record));
  });

  it('leaves absent fields out and is what the SLS sink sends', () => {
    const record = { ...item({ diskId: 'd-1', destRegion: 'cn-beijing' }), errorCode: undefined };
    const content = encodeContents(record as never);
    expect('errorCode' in content).toBe(false);
    expect(content.attempts).toBe('1');
    expect(toSlsLog(record as never).content).toEqual(content);
  });

  it('stores a claim with its times and release flag as text', () => {
    expect(encodeContents(claim)).toMatchObject({
      startedAt: '1795000000000',
      released: 'false',
    });
  });
});

describe('the records read back through the one schema', () => {
  it('gives back what was encoded, for every kind', () => {
    const records = [
      item({ diskId: 'd-1', destRegion: 'cn-beijing', outcome: 'failed', errorCode: 'X' }),
      item({
        diskId: 'd-a',
        destRegion: 'cn-beijing',
        outcome: 'failed',
        errorCode: 'X',
        attempts: 3,
      }),
      run({ runId: 'r-1', finishedAt: '2026-11-27T10:00:00Z' }),
      // A failed run: its exit code, like its totals, read back from SLS text.
      run({ runId: 'r-1', finishedAt: '2026-11-27T10:00:00Z', exitCode: 1 }),
      alert({ alert: 'copy-lost', destRegion: 'cn-beijing' }),
      alert({ alert: 'heartbeat-missed', message: 'late' }),
    ];
    expect(records.map((r) => parseLogRecord(encodeContents(r)))).toEqual(records);
    for (const record of records) expect(LogRecordSchema.safeParse(record).success).toBe(true);
    const { time: _time, ...read } = claim;
    expect(parseClaimRecord(encodeContents(claim))).toEqual(read);
  });

  it('reads an empty claim group as the holder and refuses a claim without a holder', () => {
    const contents = encodeContents({ ...claim, group: '' });
    expect(parseClaimRecord(contents)?.group).toBe('run-1');
    expect(parseClaimRecord({ ...contents, holder: '' })).toBeUndefined();
    expect(parseClaimRecord({ ...contents, expiresAt: 'soon' })).toBeUndefined();
  });
});

describe('policies/records.schema.json', () => {
  it('is what the zod schema generates (run `npm run schema` when this fails)', async () => {
    expect(await readFile('policies/records.schema.json', 'utf8')).toBe(recordsJsonSchemaText());
  });

  it('accepts the records the engine writes as JSON lines and refuses an unknown outcome', () => {
    const validate = new Ajv({ strict: false }).compile(JSON.parse(recordsJsonSchemaText()));
    expect(validate(run({ runId: 'r-1', finishedAt: '2026-11-27T10:00:00Z' }))).toBe(true);
    expect(validate(claim)).toBe(true);
    expect(validate({ ...item({ diskId: 'd', destRegion: 'r' }), outcome: 'exploded' })).toBe(
      false,
    );
  });
});
