import type { RunningEmulator, ThrottleRule } from '../../emulator/index.ts';
import type { Policy } from '../../lib/policy/schema.ts';
import { callStats, copiedPairs } from './cloud.ts';

/** The documented CopySnapshot flow control: 1000 requests per 60 s per account. */
export const QUOTA_PER_MINUTE = 1000;

/**
 * The emulator's CopySnapshot rule in the quota scenarios: one bucket for the account (every
 * source region), refilled at the quota, holding a tenth of a minute. A full minute's burst (the
 * emulator default) would hide a client that overshoots for minutes before it is refused.
 */
export const QUOTA_RULE: ThrottleRule = {
  perMinute: QUOTA_PER_MINUTE,
  burst: QUOTA_PER_MINUTE / 10,
  scope: 'account',
};

/** The most calls any `windowMs` window holds (times sorted ascending). */
export function peakWindow(times: readonly number[], windowMs: number): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

export interface QuotaMeasure {
  calls: number;
  accepted: number;
  throttled: number;
  /** Virtual minutes from the first CopySnapshot to the last accepted one. */
  spanMinutes: number;
  /** Accepted per virtual minute after the first minute (NaN when the run was shorter). */
  steadyPerMinute: number;
  wholeRunPerMinute: number;
  peak60s: number;
  pairsExpected: number;
  pairsCopied: number;
  duplicates: number;
  lost: number;
}

/** What the emulator's call log and snapshots say about one run's CopySnapshot traffic. */
export function measureQuota(
  emulator: RunningEmulator,
  policy: Policy,
  pairsExpected: number,
): QuotaMeasure {
  const copies = emulator.admin.calls({ action: 'CopySnapshot' });
  const stats = callStats(copies);
  const accepted = copies.filter((c) => c.code === 'OK').map((c) => Date.parse(c.time));
  accepted.sort((a, b) => a - b);
  if (accepted.length === 0) throw new Error('no CopySnapshot call was accepted');
  const first = Date.parse(copies[0]!.time);
  const spanMinutes = (accepted[accepted.length - 1]! - first) / 60_000;
  const afterFirstMinute = accepted.filter((t) => t >= first + 60_000).length;
  const pairs = copiedPairs(emulator, policy);
  let duplicates = 0;
  for (const n of pairs.values()) if (n > 1) duplicates += n - 1;
  return {
    calls: copies.length,
    accepted: accepted.length,
    throttled: stats.throttled,
    spanMinutes,
    steadyPerMinute: spanMinutes > 1 ? afterFirstMinute / (spanMinutes - 1) : Number.NaN,
    wholeRunPerMinute: accepted.length / Math.max(spanMinutes, 1 / 60),
    peak60s: peakWindow(accepted, 60_000),
    pairsExpected,
    pairsCopied: pairs.size,
    duplicates,
    lost: pairsExpected - pairs.size,
  };
}
