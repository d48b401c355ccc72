/** Time arithmetic the status report shares (ISO strings in, hours and epoch ms out). */

export const HOUR_MS = 3_600_000;

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Epoch ms of an ISO time; ISO strings with and without milliseconds do not sort as text. */
export function ms(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}
