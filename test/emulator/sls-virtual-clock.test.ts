import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { connectSls } from '../../lib/cloud/sls-client.ts';
import { START, start } from './support/clients.ts';

const PROJECT = 'dr-clock';
const STORE = 'replicator';
const DAY_S = 86_400;

let emu: RunningEmulator;
beforeAll(async () => {
  // START lies months before the wall clock: the two clocks disagree by far more than a week.
  emu = await start();
});
afterAll(() => emu.stop());
beforeEach(() => emu.admin.reset());

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

function put(timestamp: number, runId: string) {
  const conn = connectSls({
    region: 'cn-hangzhou',
    endpoint: emu.url,
    credentials: emu.credentials,
  });
  return conn.client.postLogStoreLogs(
    PROJECT,
    STORE,
    { logs: [{ timestamp, content: { kind: 'run', runId } }] },
    conn.requestOptions,
  );
}

function runIds(from: number, to: number): string[] {
  return emu.sls.query(PROJECT, STORE, { from, to }).map((log) => log.contents.runId ?? '');
}

describe('SLS on the emulator clock', () => {
  it('accepts records stamped with the virtual now, though it is months behind the wall clock', async () => {
    const now = seconds(emu.admin.now());
    await put(now, 'virtual-now');
    expect(runIds(now, now + 1)).toEqual(['virtual-now']);
  });

  it('refuses records more than 15 minutes ahead of the virtual now, as the wall clock is here', async () => {
    const aheadOfVirtual = seconds(emu.admin.now()) + 16 * 60;
    await expect(put(aheadOfVirtual, 'virtual-future')).rejects.toMatchObject({
      code: 'PostBodyInvalid',
      message: expect.stringMatching(/time is out of range/),
    });
  });

  it('follows the clock when it is advanced: a record of the new now is accepted', async () => {
    const later = seconds(emu.admin.advanceClock(10 * DAY_S));
    await put(later, 'ten-days-on');
    expect(runIds(later, later + 1)).toEqual(['ten-days-on']);
  });

  it('applies the seven-day window to the virtual now once the clock has moved on', async () => {
    const before = seconds(START);
    emu.admin.advanceClock(8 * DAY_S);
    await expect(put(before, 'eight-days-old')).rejects.toMatchObject({ code: 'PostBodyInvalid' });
  });

  it('stamps __receive_time__ with the virtual clock', async () => {
    const now = seconds(emu.admin.now());
    await put(now, 'received');
    const [log] = emu.sls.query(PROJECT, STORE, { from: now, to: now + 1 });
    expect(Number(log?.tags.__receive_time__)).toBe(now);
  });
});
