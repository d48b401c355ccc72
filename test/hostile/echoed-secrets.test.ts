import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureIo,
  cli,
  isolatedStateEnv,
  RECORDS_FILE,
  useDemoCloud,
} from '../cli/run-fixtures.ts';
import { type LoopbackProxy, startProxy } from './support/proxy.ts';

/**
 * Like a misbehaving gateway: refuses every CopySnapshot and echoes the request it received in
 * its error text: the headers, and the form parameters as JSON (so the secrets are not in
 * `Name=value` shape).
 */
async function startEchoProxy(upstream: string) {
  const echoed: Record<string, string>[] = [];
  const proxy = await startProxy(upstream, (req, params, body, res) => {
    if (params.Action !== 'CopySnapshot') return false;
    echoed.push(params);
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        Code: 'Gateway.Rejected',
        Message: `gateway refused ${req.method} ${req.url} headers=${JSON.stringify(req.headers)} params=${JSON.stringify(params)} raw=${body.toString('utf8')}`,
        RequestId: `echo-${echoed.length}`,
      }),
    );
    return true;
  });
  return { ...proxy, echoed };
}

/** Every shape a value can take in a request or an echo of it. */
function shapes(value: string): string[] {
  return [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
}

describe('secrets echoed back by an endpoint', () => {
  const bed = useDemoCloud();
  let proxy: LoopbackProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
  });

  it('never reach records, stdout or stderr: the AccessKey secret, STS token and signature values are scrubbed by value', async () => {
    const echo = await startEchoProxy(bed.emulator.url);
    proxy = echo;
    const sts = bed.emulator.admin.issueStsCredentials();
    const policy = await bed.ws.policy('p.yaml');
    const io = captureIo({
      ...isolatedStateEnv(),
      ALIBABA_CLOUD_ACCESS_KEY_ID: sts.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sts.accessKeySecret,
      ALIBABA_CLOUD_SECURITY_TOKEN: sts.securityToken,
      DR_REPLICATOR_ENDPOINT: echo.url,
    });

    expect(await cli(io, 'run', '--policy', policy, '--output', 'json')).toBe(1);

    expect(echo.echoed.length).toBeGreaterThan(0);
    const records = await readFile(path.join(bed.ws.dir, RECORDS_FILE), 'utf8');
    // The echo did reach the records: the scrub keeps the rest of the message.
    expect(records).toMatch(/gateway refused POST/);
    const signatures = echo.echoed.map((p) => p.Signature ?? '');
    expect(signatures.every((s) => s.length === 28)).toBe(true);
    const secrets = [sts.accessKeySecret, sts.securityToken, ...signatures].flatMap(shapes);
    for (const [where, text] of [
      ['records', records],
      ['stdout', io.stdoutText()],
      ['stderr', io.stderrText()],
    ] as const) {
      for (const secret of secrets) {
        expect(text.includes(secret), `${where} contains ${secret.slice(0, 6)}…`).toBe(false);
      }
    }
  });
});
