import { describe, expect, it } from 'vitest';
import { SlsApiError } from '../../emulator/sls/errors.ts';
import { compileQuery } from '../../emulator/sls/query.ts';

const failedItem = {
  kind: 'item',
  outcome: 'failed',
  destRegion: 'cn-shanghai',
  errorCode: 'QuotaExceed.Snapshot',
  message: 'CopySnapshot timeout after 3 s',
  __topic__: 'dr',
  '__tag__:host': 'fc-1',
};
const completedItem = { ...failedItem, outcome: 'completed', message: 'copy done' };
const run = { kind: 'run', exitCode: '1', message: 'partial' };

function matching(query: string): string[] {
  const match = compileQuery(query);
  return Object.entries({ failedItem, completedItem, run })
    .filter(([, fields]) => match(fields))
    .map(([name]) => name);
}

describe('compileQuery', () => {
  it('matches everything for * and for an empty query', () => {
    expect(matching('*')).toEqual(['failedItem', 'completedItem', 'run']);
    expect(matching('  ')).toEqual(['failedItem', 'completedItem', 'run']);
  });

  it('matches key: value on that field only', () => {
    expect(matching('outcome: failed')).toEqual(['failedItem']);
    expect(matching('destRegion: failed')).toEqual([]);
  });

  it('ignores case in keys and values, as an SLS index does by default', () => {
    expect(matching('OUTCOME: Failed')).toEqual(['failedItem']);
  });

  it('combines terms with and, or and juxtaposition', () => {
    expect(matching('kind: item and outcome: completed')).toEqual(['completedItem']);
    expect(matching('kind: item outcome: completed')).toEqual(['completedItem']);
    expect(matching('outcome: completed or kind: run')).toEqual(['completedItem', 'run']);
  });

  it('negates with not and groups with parentheses', () => {
    expect(matching('not kind: item')).toEqual(['run']);
    expect(matching('kind: item and not (outcome: failed or outcome: pending)')).toEqual([
      'completedItem',
    ]);
  });

  it('finds a full-text term among the tokens of any field', () => {
    expect(matching('timeout')).toEqual(['failedItem']);
    expect(matching('time')).toEqual([]);
  });

  it('matches a value token inside a longer field value, and quoted phrases in order', () => {
    expect(matching('message: timeout')).toEqual(['failedItem']);
    expect(matching('message: "timeout after"')).toEqual(['failedItem']);
    expect(matching('message: "after timeout"')).toEqual([]);
  });

  it('treats a trailing * as a prefix', () => {
    expect(matching('errorCode: QuotaExceed*')).toEqual(['failedItem', 'completedItem']);
    expect(matching('errorCode: Quota')).toEqual([]);
  });

  it('reads __topic__ and __tag__: keys', () => {
    expect(matching('__topic__: dr and __tag__:host: fc-1')).toEqual([
      'failedItem',
      'completedItem',
    ]);
  });

  it('refuses the analytic part instead of ignoring it', () => {
    expect(() => compileQuery('* | select count(*) as cnt')).toThrow(SlsApiError);
  });

  it('reports a syntax error as ParameterInvalid', () => {
    const attempt = () => compileQuery('outcome: (failed');
    expect(attempt).toThrow(expect.objectContaining({ errorCode: 'ParameterInvalid' }));
  });
});
