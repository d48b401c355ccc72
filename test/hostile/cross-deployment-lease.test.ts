import { describe, expect, it } from 'vitest';
import { createSlsReader } from '../../lib/cloud/sls.ts';
import { createSlsClaimStore } from '../../lib/cloud/sls-claim-store.ts';
import { CLAIM_SETTLE_ENV } from '../../lib/engine/coordination.ts';
import { leaseScope } from '../../lib/engine/shared-lease.ts';
import type { Claim } from '../../lib/ports.ts';
import { captureIo, cli, emulatorEnv, useDemoCloud } from '../cli/run-fixtures.ts';
import { slsAdmin } from '../support/sls-admin.ts';

const SLS = { project: 'dr-records', logstore: 'records', region: 'cn-hangzhou' } as const;
type DemoBed = ReturnType<typeof useDemoCloud>;

/** Two machines: each has its own state folder, so only the logstore lease is shared. */
function machine(bed: DemoBed) {
  return captureIo({ ...emulatorEnv(bed.emulator), [CLAIM_SETTLE_ENV]: '300' });
}

/** The records logstore in the bed's emulator, as the SLS store and reader options take it. */
function slsAt(bed: DemoBed) {
  return { ...SLS, credentials: bed.emulator.credentials, endpoint: bed.emulator.url };
}

/** The demo policy with its records (and so its run lease) in the SLS logstore. */
function slsPolicy(bed: DemoBed): Promise<string> {
  return bed.ws.policy('p.yaml', (p) => {
    p.log = { type: 'sls', ...SLS };
  });
}

/** Records of `query` written within the last hour, read back from the logstore. */
function recentRecords(bed: DemoBed, query: string) {
  const now = new Date();
  return createSlsReader(slsAt(bed)).query({
    from: new Date(now.getTime() - 3600_000),
    to: now,
    query,
  });
}

/** A run lease of demo-dr held by `holder` (a run elsewhere), with the times given. */
function putLease(
  bed: DemoBed,
  holder: string,
  times: Pick<Claim, 'startedAt' | 'expiresAt' | 'writtenAt'>,
): Promise<void> {
  return createSlsClaimStore(slsAt(bed)).put({
    scope: leaseScope('demo-dr'),
    holder,
    group: holder,
    ...times,
    released: false,
  });
}

describe('the run lease across deployments (claims in the SLS records logstore)', () => {
  const bed = useDemoCloud();

  it('lets one of two runs of a policy started at once on two machines work; the other yields with a run record and exit 0', async () => {
    const policy = await slsPolicy(bed);
    const a = machine(bed);
    const b = machine(bed);

    const codes = await Promise.all([
      cli(a, 'run', '--policy', policy, '--run-id', 'run-laptop'),
      cli(b, 'run', '--policy', policy, '--run-id', 'run-timer'),
    ]);

    expect(codes).toEqual([0, 0]);
    const yielded = [a, b].filter((io) =>
      /yielded: demo-dr is being run by run-\w+/.test(io.stderrText()),
    );
    expect(yielded).toHaveLength(1);
    const runs = await recentRecords(bed, 'kind: run');
    expect(runs).toHaveLength(2);
    const yieldRecord = runs.find((r) => r.errorCode === 'Yielded');
    expect(yieldRecord?.message).toMatch(
      /^yielded: demo-dr is being run by run-(laptop|timer) since /,
    );
    const worker = runs.find((r) => r.errorCode !== 'Yielded');
    expect(yieldRecord?.message).toContain(worker?.runId);
    // Only the worker made copies: each started once.
    const started = await recentRecords(bed, 'outcome: started');
    expect(new Set(started.map((r) => r.runId))).toEqual(new Set([worker?.runId]));
    expect(started.length).toBe(bed.emulator.admin.calls({ action: 'CopySnapshot' }).length);
  });

  it('takes over a lease whose holder stopped renewing it (expired), and works', async () => {
    const policy = await slsPolicy(bed);
    const now = Date.now();
    // A run that started 20 minutes ago and died: its last renewal expired 5 minutes ago.
    await putLease(bed, 'run-crashed', {
      startedAt: now - 20 * 60_000,
      expiresAt: now - 5 * 60_000,
      writtenAt: now - 7 * 60_000,
    });
    const io = machine(bed);

    expect(await cli(io, 'run', '--policy', policy, '--run-id', 'run-next')).toBe(0);

    expect(io.stderrText()).not.toMatch(/yielded/);
    expect(bed.emulator.admin.calls({ action: 'CopySnapshot' }).length).toBeGreaterThan(0);
  });

  it('yields to a live lease held by a run elsewhere, without a single cloud call', async () => {
    const policy = await slsPolicy(bed);
    const now = Date.now();
    await putLease(bed, 'run-fc-timer', {
      startedAt: now - 60_000,
      expiresAt: now + 60_000,
      writtenAt: now - 1_000,
    });
    const io = machine(bed);

    expect(await cli(io, 'run', '--policy', policy, '--run-id', 'run-manual')).toBe(0);

    expect(io.stderrText()).toMatch(/yielded: demo-dr is being run by run-fc-timer since /);
    expect(bed.emulator.admin.calls().length).toBe(0);
  });

  it('works without the lease when the log store is unavailable, and says so in the run record message', async () => {
    const policy = await slsPolicy(bed);
    // The store fails both attempts of the quota claim and of the lease claim, then recovers.
    await slsAdmin(bed.emulator.url, 'faults', {
      errorCode: 'InternalServerError',
      httpStatus: 500,
      count: 4,
    });
    const io = machine(bed);

    const code = await cli(
      io,
      'run',
      '--policy',
      policy,
      '--run-id',
      'run-blind',
      '--output',
      'json',
    );

    expect(bed.emulator.admin.calls({ action: 'CopySnapshot' }).length).toBeGreaterThan(0);
    expect(io.stderrText()).not.toMatch(/yielded/);
    expect(code).toBe(0);
    const [run] = await recentRecords(bed, 'kind: run');
    expect(run?.message).toMatch(
      /run lease and CopySnapshot quota share unavailable, working without them/,
    );
  });
});
