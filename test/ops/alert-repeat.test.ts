import { describe, expect, it } from 'vitest';
import { DEFAULT_RENOTIFY_MS, withoutRepeats } from '../../lib/ops/alert-repeat.ts';
import { AlertKind, type AlertRecord } from '../../lib/records/types.ts';

const now = new Date('2026-12-02T12:00:00Z');
const HOUR = 3_600_000;

function breach(parts: Partial<AlertRecord> = {}): AlertRecord {
  return {
    kind: 'alert',
    alert: AlertKind.RpoBreach,
    runId: 'status-1',
    policy: 'p',
    time: now.toISOString(),
    sourceRegion: 'cn-hangzhou',
    destRegion: 'cn-beijing',
    diskId: 'd-1',
    message: 'd-1: newest copy in cn-beijing is 30h old (RPO 24h)',
    ...parts,
  };
}

const ago = (hours: number) => new Date(now.getTime() - hours * HOUR).toISOString();

describe('withoutRepeats', () => {
  it('lets an alert through when none like it was recorded', () => {
    const result = withoutRepeats([breach()], [], { now, renotifyMs: DEFAULT_RENOTIFY_MS });
    expect(result.fresh).toHaveLength(1);
    expect(result.repeated).toEqual([]);
  });

  it('holds back the same breach recorded within the interval, whatever its message says now', () => {
    const history = [breach({ time: ago(1), message: 'd-1: ... 29h old (RPO 24h)' })];
    const result = withoutRepeats([breach()], history, { now, renotifyMs: DEFAULT_RENOTIFY_MS });
    expect(result.fresh).toEqual([]);
    expect(result.repeated).toHaveLength(1);
  });

  it('posts it again once the interval has passed: just inside holds, at the interval it goes', () => {
    const opts = { now, renotifyMs: 24 * HOUR };
    expect(withoutRepeats([breach()], [breach({ time: ago(23.99) })], opts).fresh).toEqual([]);
    expect(withoutRepeats([breach()], [breach({ time: ago(24) })], opts).fresh).toHaveLength(1);
  });

  it('treats another disk, destination, kind or error code as a change, posted at once', () => {
    const history = [breach({ time: ago(1) })];
    const changed = [
      breach({ diskId: 'd-2' }),
      breach({ destRegion: 'ap-southeast-1' }),
      breach({ alert: AlertKind.DestinationStopped }),
      breach({ errorCode: 'Forbidden.RAM' }),
      breach({ policy: 'other' }),
    ];
    const result = withoutRepeats(changed, history, { now, renotifyMs: DEFAULT_RENOTIFY_MS });
    expect(result.fresh).toHaveLength(changed.length);
  });

  it('ignores item and run records in the history', () => {
    const history = [
      {
        kind: 'run',
        runId: 'r',
        policy: 'p',
        time: ago(1),
        startedAt: ago(1),
        finishedAt: ago(1),
        durationMs: 1,
        exitCode: 0,
        totals: {},
        apiCalls: {},
        message: '',
      },
    ] as never[];
    expect(withoutRepeats([breach()], history, { now, renotifyMs: HOUR }).fresh).toHaveLength(1);
  });
});
