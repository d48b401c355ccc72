import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { createSlsClaimStore } from '../../lib/cloud/sls-claim-store.ts';
import { AccountGate } from '../../lib/engine/account-limiter.ts';
import { ClaimBoard } from '../../lib/engine/claim-board.ts';
import { realSleep } from '../../lib/engine/limiter.ts';
import { joinQuotaShare, quotaScope } from '../../lib/engine/quota-share.ts';

describe('the CopySnapshot quota share (claims in SLS through @alicloud/log)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ world: 'demo', seed: 3 });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  it('divides the account ceiling between the live gates of separate processes, and gives it back when one leaves', async () => {
    const store = createSlsClaimStore({
      project: 'dr-share',
      logstore: 'records',
      region: 'cn-hangzhou',
      credentials: emulator.credentials,
      endpoint: emulator.url,
    });
    const gate = () => new AccountGate({ startPerMinute: 900, ceilingPerMinute: 1000 });
    const board = (holder: string, group: string) =>
      new ClaimBoard({
        store,
        scope: quotaScope('acct-1'),
        holder,
        group,
        now: Date.now,
        sleep: realSleep,
        ttlMs: 60_000,
        settleMs: 0,
      });
    const a = gate();
    const b = gate();

    const shareA = await joinQuotaShare(board('run-a', a.id), a, 50);
    const shareB = await joinQuotaShare(board('run-b', b.id), b, 50);
    await realSleep(300);

    expect(b.groups).toBe(2);
    expect(a.groups).toBe(2);
    expect(a.state().ceilingPerMinute).toBe(500);
    expect(a.rate.perMinute).toBeLessThanOrEqual(500);

    await shareB.leave();
    await realSleep(300);
    expect(a.groups).toBe(1);
    expect(a.state().ceilingPerMinute).toBe(1000);
    await shareA.leave();
  });
});
