import { afterEach, describe, expect, it } from 'vitest';
import {
  copiesPerPair,
  DESTINATIONS,
  memberId,
  type OrgWorld,
  orgWorld,
  readRecords,
} from '../../lib/cli/org-world.ts';

/**
 * The organisation fan-out end to end in the emulator: the dispatcher (as the timer calls it)
 * invokes the worker through the FC 3.0 SDK's async invoke; each worker assumes the shipped
 * member role over STS and runs the engine in that account. The full 50 × 200 × 2 version is
 * `npm run test:org-scale` (ORG_SCALE=full).
 */
const FULL = process.env.ORG_SCALE === 'full';
const ACCOUNTS = 50;
const SNAPSHOTS = FULL ? 200 : 6;
/** The full scale makes 20,000 copies per scenario: minutes on a shared 2-core machine. */
const TIMEOUT = FULL ? 1_800_000 : 60_000;

let world: OrgWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function expectExactlyOnce(w: OrgWorld, accounts: readonly string[]): void {
  const pairs = copiesPerPair(w);
  const forAccounts = [...pairs].filter(([key]) => accounts.some((a) => key.startsWith(`${a}>`)));
  expect(forAccounts).toHaveLength(accounts.length * SNAPSHOTS * DESTINATIONS.length);
  expect(forAccounts.filter(([, n]) => n !== 1)).toEqual([]);
}

describe('organisation fan-out on Function Compute (emulator)', () => {
  it(`copies every (account, snapshot, destination) exactly once across ${ACCOUNTS} accounts`, {
    timeout: TIMEOUT,
  }, async () => {
    world = await orgWorld({
      accounts: ACCOUNTS,
      snapshotsPerAccount: SNAPSHOTS,
      workerConcurrency: 10,
    });
    const dispatched = await world.tick('2026-12-02T04:00:00Z');
    expect(dispatched).toMatchObject({
      accounts: ACCOUNTS,
      invocations: { accepted: ACCOUNTS, duplicate: 0, failed: 0 },
    });
    expectExactlyOnce(world, world.accounts);
    const runs = (await readRecords(world.logFile)).filter((r) => r.kind === 'run');
    expect(new Set(runs.map((r) => r.accountId))).toEqual(new Set(world.accounts));
    expect(runs.every((r) => Number(r.exitCode) === 0)).toBe(true);
    // Each worker assumed the member role once, the session naming the run.
    const sessions = world.org.sessions();
    expect(sessions).toHaveLength(ACCOUNTS);
    expect(sessions.every((s) => s.sessionName === 'dr-org-acme-20261202T040000')).toBe(true);
  });

  it('makes no duplicate when 20 % of worker invocations are delivered twice', {
    timeout: TIMEOUT,
  }, async () => {
    world = await orgWorld({
      accounts: ACCOUNTS,
      snapshotsPerAccount: SNAPSHOTS,
      workerConcurrency: 10,
    });
    world.org.setFcFaults({ duplicateRate: 0.2 });
    await world.tick('2026-12-02T04:00:00Z');
    const doubled = world.org.tasks().filter((t) => t.deliveries === 2);
    expect(doubled.length).toBeGreaterThan(0);
    expectExactlyOnce(world, world.accounts);
  });

  it('refuses a re-dispatch of the same tick (409 on the task id) and runs nothing twice', {
    timeout: TIMEOUT,
  }, async () => {
    world = await orgWorld({ accounts: 3, snapshotsPerAccount: 2, workerConcurrency: 3 });
    await world.tick('2026-12-02T04:00:00Z');
    const again = await world.tick('2026-12-02T04:00:00Z');
    expect(again).toMatchObject({ invocations: { accepted: 0, duplicate: 3, failed: 0 } });
    expect(world.org.tasks()).toHaveLength(3);
  });

  it('alerts for the one account without the member role; the other 49 complete', {
    timeout: TIMEOUT,
  }, async () => {
    world = await orgWorld({
      accounts: ACCOUNTS,
      snapshotsPerAccount: SNAPSHOTS,
      workerConcurrency: 10,
      withoutRole: [4],
    });
    await world.tick('2026-12-02T04:00:00Z');
    const missing = memberId(5);
    const records = await readRecords(world.logFile);
    const alerts = records
      .filter((r) => r.kind === 'alert')
      .map((r) => [r.accountId, r.alert, r.errorCode]);
    expect(alerts).toEqual([[missing, 'run-aborted', 'EntityNotExist.Role']]);
    const others = world.accounts.filter((a) => a !== missing);
    expectExactlyOnce(world, others);
    const runs = records.filter((r) => r.kind === 'run');
    expect(runs.map((r) => r.accountId).sort()).toEqual(others);
    // The worker returned (no throw): FC does not retry a refused AssumeRole.
    const task = world.org.tasks().find((t) => t.payload.includes(missing));
    expect(task).toMatchObject({ status: 'Succeeded', executions: 1 });
  });
});
