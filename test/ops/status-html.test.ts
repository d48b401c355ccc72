import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeartbeatState } from '../../lib/ops/heartbeat.ts';
import {
  CONTENT_SECURITY_POLICY,
  renderStatusHtml,
  StateColour,
} from '../../lib/ops/status-html.ts';
import { buildStatusReport, RpoState, type StatusReport } from '../../lib/ops/status-model.ts';
import { renderInChromium } from './chromium.ts';
import { copy, item, POLICY, run } from './fixtures.ts';
import { countColour, decodePng } from './png.ts';

const now = new Date('2026-11-27T12:00:00Z');

/** Two disks, two destinations: d-web is fresh everywhere, d-db is 30 h behind in cn-beijing. */
function mixedReport(): StatusReport {
  return buildStatusReport({
    policy: {
      name: POLICY,
      destinations: [
        { region: 'cn-shanghai', rpoHours: 24 },
        { region: 'cn-beijing', rpoHours: 24 },
      ],
    },
    copies: [
      copy({
        snapshotId: 's-1',
        regionId: 'cn-shanghai',
        disk: 'd-web',
        creationTime: '2026-11-27T10:00:00Z',
      }),
      copy({
        snapshotId: 's-2',
        regionId: 'cn-beijing',
        disk: 'd-web',
        creationTime: '2026-11-27T09:00:00Z',
      }),
      copy({
        snapshotId: 's-3',
        regionId: 'cn-shanghai',
        disk: 'd-db',
        creationTime: '2026-11-27T08:00:00Z',
      }),
      copy({
        snapshotId: 's-4',
        regionId: 'cn-beijing',
        disk: 'd-db',
        creationTime: '2026-11-26T06:00:00Z',
      }),
      copy({
        snapshotId: 's-5',
        regionId: 'cn-beijing',
        disk: 'd-db',
        status: 'progressing',
        progress: 35,
      }),
    ],
    records: [
      item({
        diskId: 'd-db',
        destRegion: 'cn-beijing',
        outcome: 'failed',
        errorCode: 'InvalidOperation.UnfinishedCrossRegionCopy',
        time: '2026-11-27T11:00:00Z',
      }),
      run({ runId: 'run-a', finishedAt: '2026-11-27T08:00:00Z' }),
      run({ runId: 'run-b', finishedAt: '2026-11-27T10:00:00Z', exitCode: 1, durationMs: 9_000 }),
      run({ runId: 'run-c', finishedAt: '2026-11-27T11:30:00Z' }),
    ],
    heartbeat: { state: HeartbeatState.Ok, intervalMs: 3_600_000, message: 'last run 30m ago' },
    now,
  });
}

describe('renderStatusHtml', () => {
  it('is one self-contained page: no script, no external resource', () => {
    const html = renderStatusHtml(mixedReport());
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=|url\(|https?:\/\//i);
  });

  it('colours each cell by its RPO state', () => {
    const html = renderStatusHtml(mixedReport());
    expect(html).toContain(
      `class="cell breached" style="background:${StateColour[RpoState.Breached]}"`,
    );
    expect(html).toContain(
      `class="cell healthy" style="background:${StateColour[RpoState.Healthy]}"`,
    );
  });

  it('escapes text from records, so a message cannot inject markup', () => {
    const report = mixedReport();
    report.runs[0]!.errorCode = '<img onerror=alert(1)>';
    const html = renderStatusHtml(report);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img onerror=alert(1)&gt;');
  });

  it('carries a strict Content-Security-Policy: no script, no request, its own styles by hash', () => {
    const html = renderStatusHtml(mixedReport());
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    );
    const directives = CONTENT_SECURITY_POLICY.split('; ');
    expect(directives).toContain("default-src 'none'");
    expect(directives).toContain("script-src 'none'");
    const style = directives.find((d) => d.startsWith('style-src '));
    // Hashes only: never 'unsafe-inline', which would admit any injected style.
    expect(style).not.toContain("'unsafe-inline'");
    expect(style?.match(/'sha256-[A-Za-z0-9+/]+=*'/g)).toHaveLength(
      1 + Object.keys(StateColour).length,
    );
  });
});

describe('status page in headless Chromium', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dr-status-html-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the grid with healthy and breached cells in the screenshot', async () => {
    const report = mixedReport();
    expect(report.summary[RpoState.Healthy]).toBe(3);
    expect(report.summary[RpoState.Breached]).toBe(1);
    const html = join(dir, 'status.html');
    await writeFile(html, renderStatusHtml(report));

    const page = await renderInChromium(html, dir);
    const png = page.png;

    // Every style the page uses is admitted by the CSP: a missed hash is a console violation.
    expect(page.console.filter((m) => /Content Security Policy/i.test(m))).toEqual([]);

    expect((await stat(png)).size).toBeGreaterThan(10_000);
    const image = decodePng(await readFile(png));
    expect([image.width, image.height]).toEqual([1280, 900]);
    // A grid cell is about 220 x 72 px or more; legend swatches (12 x 12) are far below that.
    const healthy = countColour(image, StateColour[RpoState.Healthy]);
    const breached = countColour(image, StateColour[RpoState.Breached]);
    expect(breached).toBeGreaterThan(10_000);
    // Three healthy cells to one breached one.
    expect(healthy).toBeGreaterThan(2 * breached);
  });

  it('runs no script even if one reached the page: the CSP blocks it', async () => {
    const html = join(dir, 'injected.html');
    const page = renderStatusHtml(mixedReport()).replace(
      '</body>',
      "<script>document.title = 'script ran'</script></body>",
    );
    await writeFile(html, page);

    const rendered = await renderInChromium(html, dir);

    expect(rendered.title).toBe(`dr-replicator status: ${POLICY}`);
    expect(rendered.console.join('\n')).toMatch(/Content Security Policy/);
  });
});
