import type { Claim } from '../ports.ts';
import type { ClaimBoard } from './claim-board.ts';

/**
 * A run lease for one policy across deployments (an FC timer run beside a laptop run), on the
 * claim board: each run claims `lease.<policy>`, waits out the store's index delay, reads the
 * live claims; the earliest (startedAt, runId) works, every other run releases and yields. The
 * holder renews every third of the TTL and releases at the end. Failure modes are in
 * docs/operations.md ("One run of a policy at a time").
 */
export type SharedLeaseResult =
  | { acquired: { release(): Promise<void> } }
  | { yielded: Claim }
  /** The store could not be written or read: the run works without the lease (fail open). */
  | { unavailable: string };

export function leaseScope(policy: string): string {
  return `lease.${policy}`;
}

export async function acquireSharedLease(
  board: ClaimBoard,
  signal?: AbortSignal,
): Promise<SharedLeaseResult> {
  let live: Claim[];
  try {
    live = await board.join(signal);
  } catch (error) {
    // No release: it would wait on the same store; a claim that did land expires by itself.
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
  // The earliest live claim works; ties on startedAt go to the smaller run id.
  const first = live[0];
  if (first !== undefined && first.holder !== board.holder) {
    await board.release().catch(() => undefined);
    return { yielded: first };
  }
  const stop = board.keepAlive(board.ttlMs / 3);
  return {
    acquired: {
      async release() {
        await stop();
        await board.release().catch(() => undefined);
      },
    },
  };
}
