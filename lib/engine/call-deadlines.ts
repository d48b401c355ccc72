/**
 * Deadlines within a time budget (fractions of it). Listings (preflight, discover, reconcile)
 * must be done by half of the copy window, so a region whose API hangs gives up and leaves the
 * other half to the copies of the regions that answered; no call runs past the middle of what
 * remains after the copy window, which leaves the rest for records.
 */
const LISTING_SHARE_OF_COPY_WINDOW = 0.5;
/**
 * Floors, so a short budget (serve's one-second test schedules, a small FC timeout) is not all
 * spent on deadlines: listings get at least this much of the copy window, and a call in flight
 * at least this long after the copy window closes (a cut call is an unknown outcome).
 */
const LISTING_FLOOR_MS = 5_000;
const CALL_FLOOR_MS = 5_000;

export interface CallDeadlines {
  /** performance.now() ms after which no listing call runs. */
  listing?: number | undefined;
  /** performance.now() ms after which no call at all runs. */
  calls?: number | undefined;
}

export function callDeadlines(
  startedMs: number,
  budgetMs: number | undefined,
  fraction: number,
): CallDeadlines {
  if (budgetMs === undefined) return {};
  const window = budgetMs * fraction;
  return {
    listing:
      startedMs +
      Math.max(window * LISTING_SHARE_OF_COPY_WINDOW, Math.min(window, LISTING_FLOOR_MS)),
    calls: startedMs + Math.max((budgetMs * (1 + fraction)) / 2, window + CALL_FLOOR_MS),
  };
}
