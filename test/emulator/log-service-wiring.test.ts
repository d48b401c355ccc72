import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { connectSls } from '../../lib/cloud/sls-client.ts';
import { start } from './support/clients.ts';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());

/** Records are stamped on the emulator's clock (here fixed at START), as the product does. */
const virtualSeconds = () => Math.floor(emu.admin.now().getTime() / 1000);

const PROJECT = 'dr-rehearsal';
const STORE = 'replicator';

function sls(credentials: {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}) {
  return connectSls({ region: 'cn-hangzhou', endpoint: emu.url, credentials });
}

describe('SLS on the emulator endpoint (@alicloud/log)', () => {
  it('accepts PutLogs signed with the default pair and serves them to GetLogs', async () => {
    const conn = sls(emu.credentials);
    const now = virtualSeconds();
    await conn.client.postLogStoreLogs(
      PROJECT,
      STORE,
      {
        logs: [
          { timestamp: now, content: { kind: 'run', runId: 'wiring-1', outcome: 'completed' } },
        ],
      },
      conn.requestOptions,
    );
    const logs = (await conn.client.getLogs(
      PROJECT,
      STORE,
      new Date((now - 60) * 1000),
      new Date((now + 60) * 1000),
      { query: 'runId: wiring-1' },
      conn.requestOptions,
    )) as Record<string, string>[];
    expect(logs.map((l) => l.runId)).toEqual(['wiring-1']);
  });

  it('accepts STS pairs the emulator issued, and rejects a wrong secret', async () => {
    const sts = emu.admin.issueStsCredentials();
    const conn = sls(sts);
    const now = virtualSeconds();
    await expect(
      conn.client.postLogStoreLogs(
        PROJECT,
        STORE,
        { logs: [{ timestamp: now, content: { kind: 'item' } }] },
        conn.requestOptions,
      ),
    ).resolves.toBeDefined();
    const bad = sls({ ...emu.credentials, accessKeySecret: `${emu.credentials.accessKeySecret}x` });
    await expect(
      bad.client.postLogStoreLogs(
        PROJECT,
        STORE,
        { logs: [{ timestamp: now, content: { kind: 'item' } }] },
        bad.requestOptions,
      ),
    ).rejects.toMatchObject({ code: 'SignatureNotMatch' });
  });
});
