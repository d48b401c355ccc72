import { describe, expect, it } from 'vitest';
import { parseLogLine, parseLogRecord } from '../../lib/records/parse.ts';
import { encodeContents } from '../../lib/records/wire.ts';
import { alert, item, run } from '../ops/fixtures.ts';

describe('parseLogRecord', () => {
  // Reading back each kind as encodeContents stores it: test/records/wire.test.ts.
  it('rejects records of unknown kind, outcome or alert', () => {
    const anItem = item({ diskId: 'd', destRegion: 'r' });
    const anAlert = alert({ alert: 'rpo-breach' });
    // Read back as they are: only the one field changed below makes them unreadable.
    expect(parseLogRecord(encodeContents(anItem))).toEqual(anItem);
    expect(parseLogRecord(encodeContents(anAlert))).toEqual(anAlert);
    expect(parseLogRecord({ ...encodeContents(anItem), outcome: 'exploded' })).toBeUndefined();
    expect(parseLogRecord({ ...encodeContents(anAlert), alert: 'nope' })).toBeUndefined();
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
