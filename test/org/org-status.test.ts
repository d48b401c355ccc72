import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  OrgRowColour,
  orgStatus,
  renderOrgStatusHtml,
  renderOrgStatusText,
} from '../../lib/org/status.ts';
import type { LogRecord } from '../../lib/records/types.ts';
import { screenshot } from '../ops/chromium.ts';
import { countColour, decodePng } from '../ops/png.ts';

const A = '2000000000000001';
const B = '2000000000000002';
const C = '2000000000000003';
const D = '2000000000000004';

function item(
  accountId: string,
  runId: string,
  destRegion: string,
  outcome: 'started' | 'failed',
): LogRecord {
  return {
    kind: 'item',
    accountId,
    runId,
    policy: 'p',
    time: '2026-12-02T04:00:01Z',
    sourceRegion: 'cn-hangzhou',
    sourceSnapshotId: `s-${Math.random()}`,
    diskId: 'd-1',
    destRegion,
    outcome,
    attempts: 1,
    durationMs: 5,
    message: '',
  };
}

function run(accountId: string, runId: string, exitCode: number, time: string): LogRecord {
  return {
    kind: 'run',
    accountId,
    runId,
    policy: 'p',
    time,
    startedAt: time,
    finishedAt: time,
    durationMs: 1,
    exitCode,
    totals: {} as never,
    apiCalls: {},
    message: '',
  };
}

/** A ok in both regions, B with a failed copy, C refused, D never ran; an older run of A ignored. */
const records: LogRecord[] = [
  run(A, 'old', 1, '2026-12-01T04:00:02Z'),
  item(A, 'old', 'cn-beijing', 'failed'),
  item(A, 'r2', 'cn-beijing', 'started'),
  item(A, 'r2', 'cn-shanghai', 'started'),
  run(A, 'r2', 0, '2026-12-02T04:00:02Z'),
  item(B, 'r2', 'cn-beijing', 'failed'),
  run(B, 'r2', 1, '2026-12-02T04:00:02Z'),
  {
    kind: 'alert',
    accountId: C,
    runId: 'r2',
    policy: 'p',
    time: '2026-12-02T04:00:00Z',
    alert: 'run-aborted',
    errorCode: 'EntityNotExist.Role',
    message: 'cannot assume',
  },
];

describe('org status', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dr-org-status-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes each account’s newest run and grids it by destination', () => {
    const s = orgStatus('acme', [A, B, C, D], records);
    expect(s.destinations).toEqual(['cn-beijing', 'cn-shanghai']);
    expect(s.totals).toEqual({ accounts: 4, ok: 1, failing: 2, neverRan: 1 });
    const a = s.accounts.find((r) => r.accountId === A);
    expect(a?.cells['cn-beijing']).toMatchObject({ started: 1, failed: 0 });
    expect(s.accounts.find((r) => r.accountId === C)).toMatchObject({
      exitCode: 3,
      alerts: [{ errorCode: 'EntityNotExist.Role' }],
    });
    expect(renderOrgStatusText(s)).toContain(`${D}  never ran`);
  });

  it('shows failing accounts first, in red, in the browser', async () => {
    const html = join(dir, 'org.html');
    await writeFile(html, renderOrgStatusHtml(orgStatus('acme', [A, B, C, D], records)));
    const png = await screenshot(html, dir);
    const image = decodePng(await readFile(png));
    const failing = countColour(image, OrgRowColour.failing);
    const ok = countColour(image, OrgRowColour.ok);
    // Two failing rows, one ok row: each row spans the table width.
    expect(ok).toBeGreaterThan(5_000);
    expect(failing).toBeGreaterThan(1.5 * ok);
    expect(countColour(image, OrgRowColour.neverRan)).toBeGreaterThan(5_000);
  });
});
