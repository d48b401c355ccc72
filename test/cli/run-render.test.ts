import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../lib/cli/budget-option.ts';
import { createProgressReporter } from '../../lib/cli/render/progress.ts';
import {
  applyEvent,
  initialProgress,
  plainLine,
  renderFrame,
} from '../../lib/cli/render/progress-model.ts';
import { apiCallsPhrase, renderRunSummary } from '../../lib/cli/render/summary.ts';
import type { RunEvent, RunSummary } from '../../lib/engine/types.ts';
import { Outcome } from '../../lib/records/types.ts';

const zero = (): Record<Outcome, number> =>
  Object.fromEntries(Object.values(Outcome).map((o) => [o, 0])) as Record<Outcome, number>;

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: 'run-1',
    policy: 'prod',
    startedAt: '2026-11-27T02:00:00.000Z',
    finishedAt: '2026-11-27T02:00:02.500Z',
    durationMs: 2500,
    dryRun: false,
    totals: { ...zero(), started: 3, failed: 1, 'already-copied': 2 },
    destinations: [
      { region: 'cn-shanghai', counts: { ...zero(), started: 3, 'already-copied': 2 } },
      {
        region: 'ap-southeast-1',
        counts: { ...zero(), failed: 1 },
        stopped: { errorCode: 'InvalidParameter.KMSKeyId.CMKNotEnabled', message: 'key disabled' },
      },
    ],
    apiCalls: { DescribeSnapshots: 4, CopySnapshot: 3 },
    exitCode: 1,
    ...overrides,
  };
}

// In the engine's order: the plan, decisions that need no call, then the copies.
const events: RunEvent[] = [
  { type: 'phase', phase: 'plan' },
  { type: 'planned', perDestination: { 'cn-shanghai': 3, 'ap-southeast-1': 1 }, total: 4 },
  { type: 'item', destRegion: 'cn-shanghai', outcome: 'already-copied', sourceSnapshotId: 's-0' },
  { type: 'phase', phase: 'execute' },
  { type: 'item', destRegion: 'cn-shanghai', outcome: 'started', sourceSnapshotId: 's-1' },
  {
    type: 'destination-stopped',
    destRegion: 'ap-southeast-1',
    errorCode: 'QuotaExceed.SnapshotQuota',
    message: 'quota',
  },
];

describe('renderRunSummary', () => {
  it('prints one row per destination and a total row with the run result', () => {
    const lines = renderRunSummary(summary()).split('\n');
    const row = (label: string) => lines.find((l) => l.startsWith(label))?.split(/\s{2,}/);
    expect(lines[0]).toBe('Run run-1 of policy prod: some items failed in 2.5 s');
    expect(row('DESTINATION')).toEqual([
      'DESTINATION',
      'STARTED',
      'COMPLETED',
      'ALREADY-COPIED',
      'IN-PROGRESS',
      'DEFERRED',
      'SKIPPED',
      'FAILED',
      'STATUS',
    ]);
    expect(row('cn-shanghai')).toEqual(['cn-shanghai', '3', '0', '2', '0', '0', '0', '0', 'ok']);
    expect(row('total')).toEqual(['total', '3', '0', '2', '0', '0', '0', '1', 'some items failed']);
  });

  it('names a stopped destination with its error code and message', () => {
    expect(renderRunSummary(summary())).toContain(
      'Stopped ap-southeast-1: InvalidParameter.KMSKeyId.CMKNotEnabled: key disabled',
    );
  });

  it('marks a dry run in the title', () => {
    expect(renderRunSummary(summary({ dryRun: true, exitCode: 0 })).split('\n')[0]).toBe(
      'Run run-1 of policy prod (dry run): ok in 2.5 s',
    );
  });

  it('shows the pruned column only when something was pruned', () => {
    expect(renderRunSummary(summary())).not.toContain('PRUNED');
    expect(renderRunSummary(summary({ totals: { ...zero(), pruned: 2 } }))).toContain('PRUNED');
  });
});

describe('apiCallsPhrase', () => {
  it('totals the calls and lists them by API name', () => {
    expect(apiCallsPhrase({ DescribeSnapshots: 4, CopySnapshot: 3, DescribeKey: 0 })).toBe(
      '7 (CopySnapshot 3, DescribeSnapshots 4)',
    );
  });

  it('says none when no call was made', () => {
    expect(apiCallsPhrase({})).toBe('none');
  });
});

describe('progress model', () => {
  it('moves the bar on copies only and counts every outcome per destination', () => {
    const state = events.reduce(applyEvent, initialProgress());
    expect(state.done).toBe(1);
    expect(renderFrame(state)).toEqual([
      `execute   [########${'-'.repeat(22)}] 1/4 25%`,
      '  ap-southeast-1  planned 1  STOPPED QuotaExceed.SnapshotQuota',
      '  cn-shanghai     planned 3  started 1  already-copied 1',
    ]);
  });

  it('shows the phase alone until the plan is known', () => {
    expect(
      renderFrame(applyEvent(initialProgress(), { type: 'phase', phase: 'discover' })),
    ).toEqual(['discover...']);
  });

  it('never draws a line wider than the terminal', () => {
    const state = events.reduce(applyEvent, initialProgress());
    for (const line of renderFrame(state, 20)) expect(line.length).toBeLessThanOrEqual(20);
  });

  it('prints a plain line per event for pipes and logs', () => {
    expect(events.map(plainLine)).toEqual([
      'phase plan',
      'planned 4 (ap-southeast-1 1, cn-shanghai 3)',
      'already-copied s-0 -> cn-shanghai',
      'phase execute',
      'started s-1 -> cn-shanghai',
      'destination ap-southeast-1 stopped: QuotaExceed.SnapshotQuota: quota',
    ]);
  });
});

describe('createProgressReporter', () => {
  it('redraws the frame in place on a terminal', () => {
    const out: string[] = [];
    const reporter = createProgressReporter({ write: (t) => out.push(t), tty: true, now: () => 0 });
    reporter.onEvent(events[0]!);
    reporter.onEvent(events[1]!);
    reporter.finish();
    // Second frame moves up over the first (1 line) and clears; the final one over the 3-line frame.
    expect(out[1]?.startsWith('\x1b[1F\x1b[J')).toBe(true);
    expect(out.at(-1)?.startsWith('\x1b[3F\x1b[J')).toBe(true);
  });

  it('holds back item redraws inside the redraw interval and draws them on finish', () => {
    const out: string[] = [];
    const reporter = createProgressReporter({
      write: (t) => out.push(t),
      tty: true,
      now: () => 0,
      minRedrawMs: 60_000,
    });
    reporter.onEvent(events[1]!);
    reporter.onEvent(events[2]!);
    expect(out).toHaveLength(1);
    reporter.finish();
    expect(out.at(-1)).toContain('already-copied 1');
  });

  it('draws the next frame below, not over, output that another writer put on the terminal', () => {
    const out: string[] = [];
    const reporter = createProgressReporter({ write: (t) => out.push(t), tty: true, now: () => 0 });
    reporter.onEvent(events[0]!);
    reporter.release();
    reporter.finish();
    expect(out[1]?.startsWith('\x1b[J')).toBe(true);
  });

  it('writes plain lines and no escape codes when not on a terminal', () => {
    const out: string[] = [];
    const reporter = createProgressReporter({ write: (t) => out.push(t), tty: false });
    for (const event of events) reporter.onEvent(event);
    reporter.finish();
    expect(out).toHaveLength(events.length);
    expect(out.join('')).not.toContain('\x1b');
  });
});

describe('parseDuration (--budget)', () => {
  it.each([
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1500ms', 1_500],
    ['900', 900_000],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['ten minutes', '10x', '', '0s'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow();
  });
});
