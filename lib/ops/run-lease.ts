import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * A lease so that two runs of one policy on one machine (`serve` beside a manual `run`, two
 * manual runs) do not work at once: a file per policy holding the holder's run id, host, pid and
 * expiry, created exclusively, renewed while the run works, removed when it ends. No database.
 *
 * Failure modes (documented in docs/operations.md): it covers runs that share the state folder
 * (one machine, or a shared file system), not an FC timer run beside a laptop run; a holder that
 * dies without releasing blocks the policy until the lease expires, or at once when it was on
 * this host and its pid is gone; two runs stealing one expired lease at the same instant both
 * write it, and the one whose write did not land yields when it reads the file back.
 */
export const LEASE_DEFAULTS = { ttlMs: 10 * 60_000 } as const;

export interface LeaseHolder {
  runId: string;
  host: string;
  pid: number;
  /** ISO 8601 */
  acquiredAt: string;
  /** ISO 8601; renewed every third of the TTL while the run works. */
  expiresAt: string;
}

export interface RunLease {
  holder: LeaseHolder;
  release(): Promise<void>;
}

export type LeaseResult = { acquired: RunLease } | { yielded: LeaseHolder };

function leaseFile(dir: string, policy: string): string {
  return path.join(dir, `${policy.replace(/[^A-Za-z0-9._-]/g, '_')}.lease`);
}

async function readHolder(file: string): Promise<LeaseHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LeaseHolder;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function stale(holder: LeaseHolder | undefined, nowMs: number): boolean {
  if (holder === undefined) return true;
  if (Date.parse(holder.expiresAt) <= nowMs) return true;
  return holder.host === hostname() && !alive(holder.pid);
}

export async function acquireRunLease(
  dir: string,
  policy: string,
  runId: string,
  options: { ttlMs?: number; now?: () => number } = {},
): Promise<LeaseResult> {
  const ttlMs = options.ttlMs ?? LEASE_DEFAULTS.ttlMs;
  const now = options.now ?? Date.now;
  const file = leaseFile(dir, policy);
  await mkdir(dir, { recursive: true });
  const holder = (): LeaseHolder => ({
    runId,
    host: hostname(),
    pid: process.pid,
    acquiredAt: new Date(now()).toISOString(),
    expiresAt: new Date(now() + ttlMs).toISOString(),
  });
  const mine = holder();
  try {
    await writeFile(file, JSON.stringify(mine), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const current = await readHolder(file);
    if (!stale(current, now())) return { yielded: current as LeaseHolder };
    // Take over an expired or orphaned lease; last writer wins, and the loser yields below.
    const temp = `${file}.${process.pid}.${runId.replace(/[^A-Za-z0-9._-]/g, '_')}.tmp`;
    await writeFile(temp, JSON.stringify(mine));
    await rename(temp, file);
    const after = await readHolder(file);
    if (after?.runId !== runId) return { yielded: after ?? mine };
  }
  const renew = setInterval(() => {
    void writeFile(file, JSON.stringify({ ...mine, expiresAt: holder().expiresAt })).catch(
      () => undefined,
    );
  }, ttlMs / 3);
  renew.unref();
  return {
    acquired: {
      holder: mine,
      async release() {
        clearInterval(renew);
        const current = await readHolder(file);
        if (current?.runId === runId) await rm(file, { force: true });
      },
    },
  };
}
