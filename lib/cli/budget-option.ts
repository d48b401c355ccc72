import { InvalidArgumentError, Option } from 'commander';

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|h|m|s))+$/;

/** "10m", "1h30m", "90s", "1500ms" -> milliseconds; a bare number is seconds, as FC's timeout. */
export function parseDuration(text: string): number {
  const value = text.trim();
  // A zero budget would start nothing and still exit 0, as if all were well.
  if (/^\d+(?:\.\d+)?$/.test(value)) return positive(Number(value) * 1000, text);
  if (!DURATION.test(value)) {
    throw new InvalidArgumentError(`"${text}" is not a duration; use e.g. 90s, 10m or 1h30m`);
  }
  let ms = 0;
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    ms += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  }
  return positive(ms, text);
}

function positive(ms: number, text: string): number {
  if (!(ms > 0)) throw new InvalidArgumentError(`"${text}" must be longer than zero`);
  return ms;
}

/** `--budget <duration>`: the run's time budget, as the FC function timeout would give it. */
export function budgetOption(): Option {
  return new Option(
    '--budget <duration>',
    'time the run may take (e.g. 10m); new copies stop at the policy timeBudgetFraction of it',
  ).argParser(parseDuration);
}
