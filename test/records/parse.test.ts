import { describe, expect, it } from 'vitest';
import { parseLogLine, parseLogRecord } from '../../lib/records/parse.ts';
import { alert, item, run } from '../ops/fixtures.ts';

/** What SLS hands back: every value a string, objects as JSON text. */
function asSlsContents(record: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [
      k,
      typeof v === 'object' ? JSON.stringify(v) : String(v),
    ]),
  );
}

describe('parseLogRecord', () => {
  it('reads an item record back from SLS string contents', () => {
    const original = item({
      diskId: 'd-a',
      destRegion: 'cn-beijing',
      outcome: 'failed',
      errorCode: 'X',
      attempts: 3,
    });
    expect(parseLogRecord(asSlsContents(original))).toEqual(original);
  });

  it('reads a run record with its totals stored as JSON text', () => {
    const original = run({ runId: 'r-1', finishedAt: '2026-11-27T10:00:00Z', exitCode: 1 });
    expect(parseLogRecord(asSlsContents(original))).toEqual(original);
  });

  it('reads an alert record', () => {
    const original = alert({ alert: 'heartbeat-missed', message: 'late' });
    expect(parseLogRecord(asSlsContents(original))).toEqual(original);
  });

  it('rejects records of unknown kind, outcome or alert', () => {
    expect(
      parseLogRecord({
        ...asSlsContents(item({ diskId: 'd', destRegion: 'r' })),
        outcome: 'exploded',
      }),
    ).toBeUndefined();
    expect(
      parseLogRecord({ ...asSlsContents(alert({ alert: 'rpo-breach' })), alert: 'nope' }),
    ).toBeUndefined();
    expect(parseLogRecord({ kind: 'debug', runId: 'r', policy: 'p', time: 't' })).toBeUndefined();
  });
});

describe('parseLogLine', () => {
  it('reads a JSON line as the file sink writes it', () => {
    const original = run({ runId: 'r-2', finishedAt: '2026-11-27T11:00:00Z' });
    expect(parseLogLine(`${JSON.stringify(original)}\n`)).toEqual(original);
  });

  it('ignores lines that are not JSON objects, such as a truncated last line', () => {
    expect(parseLogLine('{"kind":"run","runId":"r')).toBeUndefined();
    expect(parseLogLine('starting up')).toBeUndefined();
  });
});
