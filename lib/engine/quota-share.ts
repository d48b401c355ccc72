import type { Claim } from '../ports.ts';
import type { AccountGate } from './account-limiter.ts';
import type { ClaimBoard } from './claim-board.ts';

/**
 * CopySnapshot's quota across processes: each run says it is spending the account's quota on
 * the claim board (`copy-quota.<account>`, its gate as the group) and its gate takes an equal
 * part of the ceiling for every live group it reads there, re-read every `refreshMs`; the
 * adaptive rate still backs off on throttling within that part. The same board and claims as
 * the run lease (shared-lease.ts): one mechanism.
 */
export const QUOTA_SHARE_DEFAULTS = {
  /** A newcomer is seen by the others within this long (plus the store's index delay). */
  refreshMs: 10_000,
  /** A crashed run holds its part no longer than this. */
  ttlMs: 60_000,
} as const;

export function quotaScope(account: string): string {
  return `copy-quota.${account}`;
}

/** Live groups on the board, this gate counted even before its own claim is visible. */
export function groupsOf(live: readonly Claim[], own: string): number {
  const groups = new Set(live.map((c) => c.group));
  groups.add(own);
  return groups.size;
}

export interface QuotaShare {
  /** Problem with the board at the start, if any: the run then uses the whole ceiling. */
  readonly unavailable?: string;
  leave(): Promise<void>;
}

export async function joinQuotaShare(
  board: ClaimBoard,
  gate: AccountGate,
  refreshMs: number = QUOTA_SHARE_DEFAULTS.refreshMs,
  /** The claim is already written (before the lease's settle): read only. */
  claimed = false,
): Promise<QuotaShare> {
  const apply = (live: Claim[]) => gate.shareWith(groupsOf(live, gate.id));
  let unavailable: string | undefined;
  try {
    // The caller claimed before the lease's wait for the store's index, so runs that start
    // together see each other here; one seen late is seen at the next refresh.
    if (!claimed) await board.claim();
    apply(await board.live());
  } catch (error) {
    unavailable = error instanceof Error ? error.message : String(error);
  }
  const stop = board.keepAlive(refreshMs, apply);
  return {
    ...(unavailable === undefined ? {} : { unavailable }),
    async leave() {
      await stop();
      await board.release().catch(() => undefined);
      // This gate may serve the next run in this process: it starts from the whole ceiling
      // and the next join divides it again.
      gate.shareWith(1);
    },
  };
}
