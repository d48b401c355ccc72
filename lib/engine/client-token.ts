import { createHash } from 'node:crypto';

/**
 * The CopySnapshot idempotency key: the same (policy, source, destination, generation) always
 * gives the same token, so a retry after a timeout, a re-run after a crash, or an overlapping
 * run cannot create a second copy. `generation` = failed copies of the pair already seen in
 * the destination: after a failed copy the next attempt is a new request.
 */
export function clientToken(parts: {
  policy: string;
  sourceRegion: string;
  snapshotId: string;
  destRegion: string;
  generation: number;
}): string {
  const material = [
    parts.policy,
    parts.sourceRegion,
    parts.snapshotId,
    parts.destRegion,
    String(parts.generation),
  ].join('|');
  return createHash('sha256').update(material).digest('hex').slice(0, 64);
}
