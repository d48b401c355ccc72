import { readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo, cli, RECORDS_FILE, useDemoCloud } from '../cli/run-fixtures.ts';

/**
 * A loopback proxy in front of the emulator that, like a misbehaving gateway, refuses every
 * CopySnapshot and echoes the request it received in its error text: the headers, and the form
 * parameters as JSON (so the secrets are not in `Name=value` shape).
 */
interface EchoProxy {
  url: string;
  /** Each CopySnapshot's form parameters, as the proxy received them. */
  echoed: Record<string, string>[];
  close(): Promise<void>;
}

async function startEchoProxy(upstream: string): Promise<EchoProxy> {
  const target = new URL(upstream);
  const echoed: Record<string, string>[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      if (params.Action === 'CopySnapshot') {
        echoed.push(params);
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            Code: 'Gateway.Rejected',
            Message: `gateway refused ${req.method} ${req.url} headers=${JSON.stringify(req.headers)} params=${JSON.stringify(params)} raw=${body.toString('utf8')}`,
            RequestId: `echo-${echoed.length}`,
          }),
        );
        return;
      }
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    echoed,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Every shape a value can take in a request or an echo of it. */
function shapes(value: string): string[] {
  return [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
}

describe('secrets echoed back by an endpoint', () => {
  const bed = useDemoCloud();
  let proxy: EchoProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
  });

  it('never reach records, stdout or stderr: the AccessKey secret, STS token and signature values are scrubbed by value', async () => {
    proxy = await startEchoProxy(bed.emulator.url);
    const sts = bed.emulator.admin.issueStsCredentials();
    const policy = await bed.ws.policy('p.yaml');
    const io = captureIo({
      ALIBABA_CLOUD_ACCESS_KEY_ID: sts.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sts.accessKeySecret,
      ALIBABA_CLOUD_SECURITY_TOKEN: sts.securityToken,
      DR_REPLICATOR_ENDPOINT: proxy.url,
    });

    expect(await cli(io, 'run', '--policy', policy, '--output', 'json')).toBe(1);

    expect(proxy.echoed.length).toBeGreaterThan(0);
    const records = await readFile(path.join(bed.ws.dir, RECORDS_FILE), 'utf8');
    // The echo did reach the records: the scrub keeps the rest of the message.
    expect(records).toMatch(/gateway refused POST/);
    const signatures = proxy.echoed.map((p) => p.Signature ?? '');
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
