import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../ops/receiver.ts';
import { captureIo, cli, emulatorEnv, useDemoCloud } from './run-fixtures.ts';

const SECRET = 'SEC-from-the-environment';

/** alerts.webhook.urlEnv / secretEnv: the URL and signing secret stay out of the policy file. */
describe('dr-replicator run: webhook URL and secret from the environment', () => {
  const bed = useDemoCloud();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const policy = () =>
    bed.ws.policy('p.yaml', (p) => {
      p.source.copyMode = 'latest';
      p.alerts = { webhook: { urlEnv: 'DR_WEBHOOK_URL', secretEnv: 'DR_WEBHOOK_SECRET' } };
    });

  it('posts to the URL the variable holds, signed with the secret the other holds', async () => {
    bed.emulator.admin.setKeyState('cn-beijing', 'key-demo-beijing', 'Disabled');
    const env = {
      ...emulatorEnv(bed.emulator),
      DR_WEBHOOK_URL: receiver.url,
      DR_WEBHOOK_SECRET: SECRET,
    };
    const io = captureIo(env);

    expect(await cli(io, 'run', '--policy', await policy())).toBe(1);

    expect(receiver.received).toHaveLength(1);
    const url = new URL(receiver.received[0]?.url ?? '', 'http://x');
    const timestamp = url.searchParams.get('timestamp') ?? '';
    const expected = createHmac('sha256', SECRET)
      .update(`${timestamp}\n${SECRET}`)
      .digest('base64');
    expect(url.searchParams.get('sign')).toBe(expected);
    expect(`${io.stdoutText()}${io.stderrText()}`).not.toContain(SECRET);
  });

  it('refuses to run (exit 2) when a named variable is not set, naming the variable only', async () => {
    const io = captureIo({ ...emulatorEnv(bed.emulator), DR_WEBHOOK_URL: receiver.url });

    expect(await cli(io, 'run', '--policy', await policy())).toBe(2);

    expect(io.stderrText()).toMatch(
      /WebhookEnvMissing: alerts\.webhook\.secretEnv: environment variable DR_WEBHOOK_SECRET is not set/,
    );
    expect(io.stderrText()).not.toContain(receiver.url);
    expect(bed.emulator.admin.calls({ action: 'CopySnapshot' })).toHaveLength(0);
  });
});
