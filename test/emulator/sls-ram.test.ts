import { lookup } from 'node:dns';
import { Agent } from 'node:http';
import SlsClient from '@alicloud/log';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RamPolicy, RunningEmulator } from '../../emulator/index.ts';
import { connectSls } from '../../lib/cloud/sls-client.ts';
import { start } from './support/clients.ts';

const ACCOUNT = '1234567890123456';
const PROJECT = 'dr-logs';
const STORE = 'replicator';
const OTHER_STORE = 'audit';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());
beforeEach(() => emu.admin.reset());

const logstore = (region: string, store = STORE) =>
  `acs:log:${region}:${ACCOUNT}:project/${PROJECT}/logstore/${store}`;

const policy = (...statements: RamPolicy['Statement']): RamPolicy => ({
  Version: '1',
  Statement: statements,
});

/** The product's adapter on the emulator endpoint: the host names no region. */
function emulatorEndpoint() {
  return connectSls({ region: 'cn-hangzhou', endpoint: emu.url, credentials: emu.credentials });
}

/**
 * The SDK on the service's real regional host name, `{project}.{region}.log.aliyuncs.com`,
 * resolved to the emulator: the host then tells which region the call is for.
 */
function regionalEndpoint(region: string) {
  const agent = new Agent({
    lookup: (_host, options, callback) => lookup('127.0.0.1', options, callback as never),
  });
  return {
    client: new SlsClient({
      ...emu.credentials,
      endpoint: `http://${region}.log.aliyuncs.com:${emu.port}`,
    }),
    requestOptions: { agent },
  };
}

type Conn = ReturnType<typeof emulatorEndpoint> | ReturnType<typeof regionalEndpoint>;

const nowSeconds = () => Math.floor(emu.admin.now().getTime() / 1000);

function put(conn: Conn, store = STORE) {
  return conn.client.postLogStoreLogs(
    PROJECT,
    store,
    { logs: [{ timestamp: nowSeconds(), content: { kind: 'run' } }] },
    conn.requestOptions,
  );
}

function get(conn: Conn) {
  const now = nowSeconds();
  return conn.client.getLogs(
    PROJECT,
    STORE,
    new Date((now - 60) * 1000),
    new Date((now + 60) * 1000),
    {},
    conn.requestOptions,
  );
}

const stored = () => emu.sls.query(PROJECT, STORE, { from: 0, to: 2 ** 31 }).length;

describe('RAM on the emulated Log Service', () => {
  it('lets every signed call through while no RAM policy is set', async () => {
    await put(emulatorEndpoint());
    expect(stored()).toBe(1);
  });

  it('allows PutLogs granted log:PostLogStoreLogs on the logstore', async () => {
    emu.admin.setRamPolicy(
      policy({ Effect: 'Allow', Action: 'log:PostLogStoreLogs', Resource: logstore('*') }),
    );
    await put(emulatorEndpoint());
    expect(stored()).toBe(1);
  });

  it('denies PutLogs without log:PostLogStoreLogs with 401 Unauthorized naming action and resource, storing nothing', async () => {
    emu.admin.setRamPolicy(
      policy({ Effect: 'Allow', Action: 'log:GetLogStoreLogs', Resource: logstore('*') }),
    );
    const error = await put(emulatorEndpoint()).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'Unauthorized',
      message: expect.stringContaining(
        `action: log:PostLogStoreLogs, resource: acs:log:*:${ACCOUNT}:project/${PROJECT}/logstore/${STORE}`,
      ),
    });
    expect(stored()).toBe(0);
  });

  it('scopes the grant to the logstore named in the resource', async () => {
    emu.admin.setRamPolicy(
      policy({ Effect: 'Allow', Action: 'log:PostLogStoreLogs', Resource: logstore('*') }),
    );
    await expect(put(emulatorEndpoint(), OTHER_STORE)).rejects.toMatchObject({
      code: 'Unauthorized',
    });
  });

  it('checks GetLogs against log:GetLogStoreLogs', async () => {
    emu.admin.setRamPolicy(
      policy({ Effect: 'Allow', Action: 'log:PostLogStoreLogs', Resource: logstore('*') }),
    );
    await expect(get(emulatorEndpoint())).rejects.toMatchObject({ code: 'Unauthorized' });
    emu.admin.setRamPolicy(
      policy({ Effect: 'Allow', Action: 'log:GetLogStoreLogs', Resource: logstore('*') }),
    );
    await expect(get(emulatorEndpoint())).resolves.toEqual([]);
  });

  it('lets an explicit Deny on the logstore override the Allow', async () => {
    emu.admin.setRamPolicy(
      policy(
        { Effect: 'Allow', Action: 'log:*', Resource: '*' },
        { Effect: 'Deny', Action: 'log:PostLogStoreLogs', Resource: logstore('*') },
      ),
    );
    await expect(put(emulatorEndpoint())).rejects.toMatchObject({ code: 'Unauthorized' });
  });

  describe('the region of the resource', () => {
    const hangzhouOnly = policy({
      Effect: 'Allow',
      Action: 'log:PostLogStoreLogs',
      Resource: logstore('cn-hangzhou'),
    });

    it('is the one the regional host names: a grant in that region allows', async () => {
      emu.admin.setRamPolicy(hangzhouOnly);
      await put(regionalEndpoint('cn-hangzhou'));
      expect(stored()).toBe(1);
    });

    it('is the one the regional host names: a grant in another region does not', async () => {
      emu.admin.setRamPolicy(hangzhouOnly);
      const error = await put(regionalEndpoint('cn-shanghai')).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'Unauthorized',
        message: expect.stringContaining(`resource: ${logstore('cn-shanghai')}`),
      });
    });

    it('is any region on the emulator endpoint, whose host names none', async () => {
      emu.admin.setRamPolicy(hangzhouOnly);
      await put(emulatorEndpoint());
      expect(stored()).toBe(1);
    });
  });
});
