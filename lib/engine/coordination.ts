import type { Claim, ClaimStore } from '../ports.ts';
import type { AccountGate } from './account-limiter.ts';
import { ClaimBoard } from './claim-board.ts';
import type { Sleep } from './limiter.ts';
import {
  joinQuotaShare,
  QUOTA_SHARE_DEFAULTS,
  type QuotaShare,
  quotaScope,
} from './quota-share.ts';
import { acquireSharedLease, leaseScope } from './shared-lease.ts';

/**
 * What a run coordinates with other deployments of this product through a claim store (the
 * policy's SLS logstore): the policy's run lease and the account's CopySnapshot quota share.
 */
export interface CoordinationOptions {
  store: ClaimStore;
  /** Whose CopySnapshot quota the share divides; runs recording to one store default to one. */
  account?: string;
  settleMs?: number;
  leaseTtlMs?: number;
  quotaTtlMs?: number;
  quotaRefreshMs?: number;
}

/** Overrides CLAIM_DEFAULTS.settleMs (ms): the index delay of the store runs coordinate in. */
export const CLAIM_SETTLE_ENV = 'DR_REPLICATOR_CLAIM_SETTLE_MS';

/** The settle time an entry point passes: the environment's, when it is a number. */
export function settleFromEnv(env: NodeJS.ProcessEnv): { settleMs?: number } {
  const value = Number(env[CLAIM_SETTLE_ENV]);
  return env[CLAIM_SETTLE_ENV] !== undefined && Number.isFinite(value) && value >= 0
    ? { settleMs: value }
    : {};
}

export interface Coordination {
  /** Set when another live run of the policy holds the lease: this run does nothing. */
  yielded?: Claim;
  /** What did not work (the store was unavailable): said in the run record. */
  notes: string[];
  end(): Promise<void>;
}

export async function coordinate(options: {
  coordination: CoordinationOptions;
  policy: string;
  runId: string;
  gate: AccountGate;
  now: () => Date;
  sleep: Sleep;
  signal?: AbortSignal | undefined;
}): Promise<Coordination> {
  const c = options.coordination;
  const now = () => options.now().getTime();
  const board = (scope: string, group: string | undefined, ttlMs: number | undefined) =>
    new ClaimBoard({
      store: c.store,
      scope,
      holder: options.runId,
      ...(group === undefined ? {} : { group }),
      now,
      sleep: options.sleep,
      ...(ttlMs === undefined ? {} : { ttlMs }),
      ...(c.settleMs === undefined ? {} : { settleMs: c.settleMs }),
    });
  const notes: string[] = [];
  const quotaBoard = board(
    quotaScope(c.account ?? 'all'),
    options.gate.id,
    c.quotaTtlMs ?? QUOTA_SHARE_DEFAULTS.ttlMs,
  );
  // Claimed first, so the lease's wait for the store's index covers this claim too: runs that
  // start together then see each other before their first CopySnapshot.
  const quotaClaimed = await quotaBoard.claim().then(
    () => true,
    () => false,
  );
  const lease = await acquireSharedLease(
    board(leaseScope(options.policy), undefined, c.leaseTtlMs),
    options.signal,
  );
  if ('yielded' in lease || 'unavailable' in lease) {
    if (quotaClaimed) await quotaBoard.release().catch(() => undefined);
  }
  if ('yielded' in lease) return { yielded: lease.yielded, notes, end: async () => {} };
  if ('unavailable' in lease) {
    // The store is down: no part of the quota can be agreed either, and every further claim
    // would wait on it. The run works alone, its adaptive rate backing off on throttles.
    notes.push(
      `run lease and CopySnapshot quota share unavailable, working without them: ${lease.unavailable}`,
    );
    return { notes, end: async () => {} };
  }
  const share: QuotaShare = await joinQuotaShare(
    quotaBoard,
    options.gate,
    c.quotaRefreshMs,
    quotaClaimed,
  );
  if (share.unavailable !== undefined)
    notes.push(
      `CopySnapshot quota share unavailable, using the whole ceiling: ${share.unavailable}`,
    );
  return {
    notes,
    async end() {
      await share.leave();
      if ('acquired' in lease) await lease.acquired.release();
    },
  };
}
