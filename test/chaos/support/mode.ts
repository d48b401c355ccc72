/**
 * Chaos, crash and fuzz suites run short inside `npm test` and at full size under
 * `npm run chaos`, which sets CHAOS_FULL=1.
 */
export const chaosFull = process.env.CHAOS_FULL === '1';

/** Picks the short or full size of a suite parameter. */
export function sized<T>(short: T, full: T): T {
  return chaosFull ? full : short;
}

/** Seed for the random parts; CHAOS_SEED reproduces a failing run. */
export const chaosSeed = Number.parseInt(process.env.CHAOS_SEED ?? '', 10) || 20_261_127;

/** Per-test timeout for property tests: full-size runs take minutes on a shared machine. */
export const propertyTimeoutMs = sized(60_000, 900_000);
