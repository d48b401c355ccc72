import { createHash } from 'node:crypto';
import { HeartbeatState } from './heartbeat.ts';
import { formatDuration } from './schedule.ts';
import { lockingRegions, lockText } from './status-locks.ts';
import {
  type DestinationStatus,
  RpoState,
  type RunEntry,
  type StatusCell,
  type StatusReport,
} from './status-model.ts';

/**
 * Cell colours by RPO state. Exported because the screenshot test looks for these exact pixels;
 * the run timeline deliberately uses other colours so it cannot be mistaken for the grid.
 */
export const StateColour = {
  [RpoState.Healthy]: '#2e7d32',
  [RpoState.AtRisk]: '#ef6c00',
  [RpoState.Breached]: '#c62828',
  [RpoState.Pending]: '#546e7a',
  [RpoState.NoCopy]: '#4a148c',
} as const satisfies Record<RpoState, string>;

const RunColour = { ok: '#90caf9', partial: '#ffcc80', aborted: '#f48fb1' } as const;

const StateLabel = {
  [RpoState.Healthy]: 'within RPO',
  [RpoState.AtRisk]: 'at risk',
  [RpoState.Breached]: 'RPO breached',
  [RpoState.Pending]: 'first copy pending',
  [RpoState.NoCopy]: 'no copy past RPO',
} as const satisfies Record<RpoState, string>;

/** One self-contained page (inline CSS and SVG, no scripts, no external requests). */
export function renderStatusHtml(report: StatusReport): string {
  const title = `dr-replicator status: ${report.policy}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>${esc(report.policy)}</h1>
  <p class="meta">generated ${esc(report.generatedAt)} &middot; ${verdict(report)}</p>
  ${heartbeat(report)}
  ${summary(report)}
</header>
<section>
  <h2>Recovery points by disk and destination</h2>
  ${grid(report)}
  ${legend()}
  ${tested(report)}
  ${stops(report)}
</section>
<section>
  <h2>Recent runs</h2>
  ${timeline(report.runs)}
</section>
</body>
</html>
`;
}

function verdict(report: StatusReport): string {
  return report.ok
    ? '<span class="ok">every disk within RPO</span>'
    : '<span class="alert">attention needed</span>';
}

function heartbeat(report: StatusReport): string {
  const hb = report.heartbeat;
  const cls =
    hb.state === HeartbeatState.Missed
      ? 'alert'
      : hb.state === HeartbeatState.Ok
        ? 'ok'
        : 'unknown';
  return `<p class="heartbeat ${cls}">heartbeat ${esc(hb.state)}: ${esc(hb.message)}</p>`;
}

function summary(report: StatusReport): string {
  const s = report.summary;
  const parts = (Object.keys(StateLabel) as RpoState[]).map(
    (state) =>
      `<span class="count"><i style="${swatch(StateColour[state])}"></i>${s[state]} ${esc(StateLabel[state])}</span>`,
  );
  parts.push(`<span class="count">${s.inFlight} in flight</span>`);
  return `<p class="summary">${parts.join(' ')}</p>`;
}

function grid(report: StatusReport): string {
  if (report.cells.length === 0) {
    return '<p class="empty">No protected disks found: no copies in the destinations and no item records.</p>';
  }
  const byKey = new Map(report.cells.map((c) => [`${c.diskId}|${c.destRegion}`, c]));
  const disks = [...new Map(report.cells.map((c) => [c.diskId, c.sourceRegion])).entries()];
  const locking = lockingRegions(report);
  const head = report.destinations
    .map((d) => `<th>${esc(d.region)}<small>RPO ${d.rpoHours}h</small></th>`)
    .join('');
  const rows = disks
    .map(([diskId, sourceRegion]) => {
      const cells = report.destinations
        .map((d) => {
          const cell = byKey.get(`${diskId}|${d.region}`);
          return cell === undefined ? '<td></td>' : gridCell(cell, locking);
        })
        .join('');
      return `<tr><th scope="row">${esc(diskId)}<small>${esc(sourceRegion)}</small></th>${cells}</tr>`;
    })
    .join('\n');
  return `<table class="grid"><thead><tr><th>disk</th>${head}</tr></thead><tbody>
${rows}
</tbody></table>`;
}

function gridCell(cell: StatusCell, locking: ReadonlySet<string>): string {
  const age =
    cell.newestCopy === undefined ? 'no copy' : `${formatHours(cell.newestCopy.ageHours)} old`;
  const lines = [`<b>${esc(age)}</b>`, `<span>${esc(StateLabel[cell.state])}</span>`];
  if (cell.inFlight.length > 0) {
    const progress = cell.inFlight.map((c) => `${c.progress}%`).join(', ');
    lines.push(`<span>${cell.inFlight.length} in flight (${esc(progress)})</span>`);
  }
  if (cell.newestCopy?.recoveryPointNote !== undefined) {
    lines.push(
      '<span class="note">age from the copy time (source not found): a lower bound</span>',
    );
  }
  // Lock state only on pages of a policy that locks somewhere (same words as the text view).
  if (locking.size > 0) {
    lines.push(`<span class="lock">${esc(lockText(cell, locking))}</span>`);
  }
  if (cell.lastFailure !== undefined) {
    lines.push(
      `<span class="failure">last failure ${esc(cell.lastFailure.time)}: ${esc(cell.lastFailure.errorCode ?? cell.lastFailure.message)}</span>`,
    );
  }
  const copy = cell.newestCopy;
  const tip =
    copy === undefined
      ? ''
      : ` title="${esc(`${copy.snapshotId}: recovery point ${copy.recoveryPointTime}, copied ${copy.copyTime}${copy.recoveryPointNote === undefined ? '' : ` (${copy.recoveryPointNote})`}`)}"`;
  return `<td class="cell ${cell.state}" style="${swatch(StateColour[cell.state])}"${tip}>${lines.join('')}</td>`;
}

function legend(): string {
  const items = (Object.keys(StateLabel) as RpoState[])
    .map((s) => `<span><i style="${swatch(StateColour[s])}"></i>${esc(StateLabel[s])}</span>`)
    .join('');
  return `<p class="legend">${items}</p>`;
}

/** Per destination: the newest restore-tested recovery point and its age (tested RPO). */
function tested(report: StatusReport): string {
  return destinationList(report, 'tested', ({ region, tested: t }) =>
    t === undefined
      ? undefined
      : `${esc(region)} tested RPO ${esc(String(t.ageHours))} h: ${esc(t.snapshotId)} (recovery point ${esc(t.recoveryPointTime)}, restore-tested ${esc(t.drilledAt)})`,
  );
}

function stops(report: StatusReport): string {
  return destinationList(report, 'stops', ({ region, lastStop: stop }) =>
    stop === undefined
      ? undefined
      : `${esc(region)} stopped ${esc(stop.time)}: ${esc(stop.errorCode ?? '')} ${esc(stop.message)}`,
  );
}

/** One `<li>` per destination that has something to show (HTML already escaped); '' when none has. */
function destinationList(
  report: StatusReport,
  className: string,
  item: (d: DestinationStatus) => string | undefined,
): string {
  const items = report.destinations.flatMap((d) => {
    const html = item(d);
    return html === undefined ? [] : [`<li>${html}</li>`];
  });
  if (items.length === 0) return '';
  return `<ul class="${className}">${items.join('')}</ul>`;
}

/** Runs oldest to newest as bars whose width is the duration (minimum visible). */
function timeline(runs: readonly RunEntry[]): string {
  if (runs.length === 0) return '<p class="empty">No run recorded in the log store.</p>';
  const ordered = [...runs].reverse();
  const width = 1000;
  const slot = width / ordered.length;
  const longest = Math.max(...ordered.map((r) => r.durationMs), 1);
  const bars = ordered
    .map((run, i) => {
      const h = 12 + Math.round((run.durationMs / longest) * 48);
      const colour =
        run.exitCode === 0
          ? RunColour.ok
          : run.exitCode === 1
            ? RunColour.partial
            : RunColour.aborted;
      const x = Math.round(i * slot + 2);
      const w = Math.max(4, Math.round(slot - 4));
      return `<rect x="${x}" y="${64 - h}" width="${w}" height="${h}" fill="${colour}"><title>${esc(`${run.finishedAt} exit ${run.exitCode} ${run.runId}`)}</title></rect>`;
    })
    .join('');
  const rows = runs
    .map((run) => {
      const totals = Object.entries(run.totals)
        .filter(([, n]) => (n ?? 0) > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      return `<tr><td>${esc(run.finishedAt)}</td><td>exit ${run.exitCode}</td><td>${esc(formatDuration(run.durationMs))}</td><td>${esc(totals || '-')}</td><td>${esc(run.errorCode ?? '')}</td><td class="id">${esc(run.runId)}</td></tr>`;
    })
    .join('\n');
  return `<svg class="timeline" viewBox="0 0 ${width} 66" preserveAspectRatio="none" role="img" aria-label="recent runs">${bars}</svg>
<table class="runs"><thead><tr><th>finished</th><th>result</th><th>took</th><th>items</th><th>error</th><th>run</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

/** The only inline style the page uses; each value is admitted by hash in the CSP. */
function swatch(colour: string): string {
  return `background:${colour}`;
}

function formatHours(hours: number): string {
  return hours < 48 ? `${hours.toFixed(1)}h` : `${(hours / 24).toFixed(1)}d`;
}

function esc(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
h1{margin:0 0 4px;font-size:22px}
h2{font-size:16px;margin:24px 0 8px}
.meta,.heartbeat,.summary{margin:4px 0}
.ok{color:#1b5e20}.alert{color:#b71c1c;font-weight:600}.unknown{color:#6e7781}
.count{margin-right:14px}
.count i,.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px;border-radius:2px}
table.grid{border-collapse:separate;border-spacing:4px}
table.grid th{text-align:left;font-weight:600;padding:4px 8px;vertical-align:middle}
table.grid th small{display:block;font-weight:400;color:#6e7781}
td.cell{width:220px;height:72px;padding:8px 10px;color:#fff;border-radius:4px;vertical-align:top}
td.cell b{display:block;font-size:16px}
td.cell span{display:block;font-size:12px}
td.cell .note{font-style:italic}
td.cell .lock{opacity:.9}
td.cell .failure{opacity:.9;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:200px}
.legend span{margin-right:14px;color:#57606a;font-size:12px}
.stops{color:#b71c1c}
svg.timeline{width:100%;max-width:1000px;height:66px;display:block;background:#f6f8fa}
table.runs{border-collapse:collapse;margin-top:8px;font-size:12px}
table.runs th,table.runs td{padding:3px 10px 3px 0;text-align:left}
table.runs td.id{color:#6e7781;font-family:ui-monospace,monospace}
.empty{color:#6e7781}
`;

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page shows text from the cloud and from records, escaped; the policy is the second line
 * of defence should an escape ever be missed: no script at all, no request anywhere (images,
 * fonts, frames, forms, base), and only this page's own stylesheet and its colour swatch
 * attributes (by hash: 'unsafe-hashes' admits exactly those style="" values, nothing else).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'none'",
  `style-src ${sha256(CSS)} 'unsafe-hashes' ${Object.values(StateColour)
    .map((colour) => sha256(swatch(colour)))
    .join(' ')}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
