import type { RunEvent } from '../../engine/types.ts';
import { applyEvent, initialProgress, plainLine, renderFrame } from './progress-model.ts';

/** Receives engine events during a run; `finish` leaves the last frame on screen. */
export interface ProgressReporter {
  onEvent(event: RunEvent): void;
  /** Something else wrote to the terminal: the next frame goes below it, not over it. */
  release(): void;
  finish(): void;
}

export interface ProgressOptions {
  write: (text: string) => void;
  /** Redraw a bar in place (a terminal) or print one plain line per event (a pipe, a log). */
  tty: boolean;
  columns?: number;
  /** Milliseconds clock; tests pass a fake one. */
  now?: () => number;
  /** Least time between two redraws, so a burst of events does not flood the terminal. */
  minRedrawMs?: number;
}

// Cursor to the start of line n lines up, then clear to the end of the screen.
const up = (lines: number): string => (lines > 0 ? `\x1b[${lines}F\x1b[J` : '\x1b[J');

export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  if (!options.tty) {
    return {
      onEvent: (event) => options.write(`${plainLine(event)}\n`),
      release: () => undefined,
      finish: () => undefined,
    };
  }
  const now = options.now ?? (() => performance.now());
  const minRedrawMs = options.minRedrawMs ?? 100;
  let state = initialProgress();
  let drawnLines = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let pending: NodeJS.Timeout | undefined;
  let finished = false;

  const draw = (): void => {
    if (pending !== undefined) {
      clearTimeout(pending);
      pending = undefined;
    }
    const frame = renderFrame(state, options.columns ?? 80);
    options.write(`${up(drawnLines)}${frame.join('\n')}\n`);
    drawnLines = frame.length;
    lastDraw = now();
  };

  return {
    onEvent(event) {
      if (finished) return;
      state = applyEvent(state, event);
      // Phase changes and stops are rare and matter: show them at once.
      const urgent = event.type !== 'item';
      const wait = minRedrawMs - (now() - lastDraw);
      if (urgent || wait <= 0) {
        draw();
      } else if (pending === undefined) {
        // A trailing redraw, so the last events of a burst show even if no more arrive.
        pending = setTimeout(draw, wait);
        pending.unref();
      }
    },
    release() {
      drawnLines = 0;
    },
    finish() {
      if (finished) return;
      finished = true;
      draw();
    },
  };
}
