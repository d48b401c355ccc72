import type { RunEvent } from '../../engine/types.ts';
import type { Outcome } from '../../records/types.ts';
import { neutralise } from '../../terminal-safe.ts';
import { OUTCOME_ORDER } from './summary.ts';

/**
 * What the live view knows about a run, folded from the engine's events. Pure: the TTY writer
 * and the tests feed it events and read frames, with no terminal involved.
 */
export interface ProgressState {
  phase?: string;
  /** Work the plan scheduled; undefined until the `planned` event. */
  total?: number;
  planned: Record<string, number>;
  counts: Record<string, Partial<Record<Outcome, number>>>;
  stopped: Record<string, string>;
  /** Planned copies that reached an outcome (started, failed, deferred...) this run. */
  done: number;
}

export function initialProgress(): ProgressState {
  return { planned: {}, counts: {}, stopped: {}, done: 0 };
}

export function applyEvent(state: ProgressState, event: RunEvent): ProgressState {
  switch (event.type) {
    case 'phase':
      return { ...state, phase: event.phase };
    case 'planned':
      return { ...state, total: event.total, planned: { ...event.perDestination } };
    case 'item': {
      const previous = state.counts[event.destRegion] ?? {};
      const counts = {
        ...state.counts,
        [event.destRegion]: { ...previous, [event.outcome]: (previous[event.outcome] ?? 0) + 1 },
      };
      // Decisions that need no call are reported before `execute`; only copies move the bar.
      const settles = state.phase === 'execute';
      return { ...state, counts, done: settles ? state.done + 1 : state.done };
    }
    case 'destination-stopped':
      return { ...state, stopped: { ...state.stopped, [event.destRegion]: event.errorCode } };
  }
}

const BAR_WIDTH = 30;

/** The bar line, then one line per destination. Lines never exceed `columns`. */
export function renderFrame(state: ProgressState, columns = 80): string[] {
  const phase = state.phase ?? 'starting';
  let head: string;
  if (state.total === undefined) {
    head = `${phase}...`;
  } else {
    const done = Math.min(state.done, state.total);
    const ratio = state.total === 0 ? 1 : done / state.total;
    const filled = Math.round(ratio * BAR_WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
    head = `${phase.padEnd(9)} [${bar}] ${done}/${state.total} ${Math.floor(ratio * 100)}%`;
  }
  const regions = [
    ...new Set([
      ...Object.keys(state.planned),
      ...Object.keys(state.counts),
      ...Object.keys(state.stopped),
    ]),
  ].sort();
  const width = Math.max(0, ...regions.map((region) => region.length));
  const lines = regions.map((region) => {
    const counts = state.counts[region] ?? {};
    const parts = OUTCOME_ORDER.filter((outcome) => (counts[outcome] ?? 0) > 0).map(
      (outcome) => `${outcome} ${counts[outcome]}`,
    );
    const planned = state.planned[region];
    if (planned !== undefined) parts.unshift(`planned ${planned}`);
    const stop = state.stopped[region];
    if (stop !== undefined) parts.push(`STOPPED ${stop}`);
    return `  ${region.padEnd(width)}  ${parts.join('  ') || 'waiting'}`;
  });
  return [head, ...lines]
    .map(neutralise)
    .map((line) => (line.length > columns ? line.slice(0, columns) : line));
}

/** One line per event for logs and pipes, where a redrawn bar would be noise. */
export function plainLine(event: RunEvent): string {
  return neutralise(plainText(event));
}

function plainText(event: RunEvent): string {
  switch (event.type) {
    case 'phase':
      return `phase ${event.phase}`;
    case 'planned': {
      const per = Object.entries(event.perDestination)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([region, count]) => `${region} ${count}`)
        .join(', ');
      return `planned ${event.total}${per ? ` (${per})` : ''}`;
    }
    case 'item':
      return `${event.outcome} ${event.sourceSnapshotId} -> ${event.destRegion}${event.errorCode ? ` (${event.errorCode})` : ''}`;
    case 'destination-stopped':
      return `destination ${event.destRegion} stopped: ${event.errorCode}: ${event.message}`;
  }
}
