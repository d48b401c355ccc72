import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver } from '../ops/receiver.ts';
import { captureIo, cli, emulatorEnv, useDemoCloud } from './run-fixtures.ts';

const WEBHOOK_SECRET = 'SEC-run-webhook-secret';

describe('dr-replicator run: alerts.webhook', () => {
  const bed = useDemoCloud();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  const withWebhook = () =>
    bed.ws.policy('p.yaml', (p) => {
      p.source.copyMode = 'latest';
      p.alerts = { webhook: { url: receiver.url, secret: WEBHOOK_SECRET } };
    });

  it('posts one message for a run whose destination KMS key is disabled, with no secret in it', async () => {
    bed.emulator.admin.setKeyState('cn-beijing', 'key-demo-beijing', 'Disabled');
    const env = emulatorEnv(bed.emulator);
    const io = captureIo(env);

    expect(await cli(io, 'run', '--policy', await withWebhook())).toBe(1);

    expect(receiver.received).toHaveLength(1);
    const [message] = receiver.received;
    const text = JSON.parse(message?.body ?? '{}').markdown.text as string;
    expect(text).toContain('destination-stopped');
    expect(text).toContain('cn-beijing');
    const seen = `${message?.body}${message?.url}${io.stdoutText()}${io.stderrText()}`;
    for (const secret of [WEBHOOK_SECRET, env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? '']) {
      expect(secret).not.toBe('');
      expect(seen).not.toContain(secret);
    }
  });

  it('finishes the run with its own exit code when the webhook refuses, and says so on stderr', async () => {
    await receiver.close();
    receiver = await startReceiver(() => ({ status: 400 }));
    bed.emulator.admin.setKeyState('cn-beijing', 'key-demo-beijing', 'Disabled');
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'run', '--policy', await withWebhook())).toBe(1);

    expect(io.stderrText()).toMatch(
      /alert webhook: \S+: alert webhook http:\/\/127\.0\.0\.1:\d+\/robot\/send refused/,
    );
    expect(io.stderrText()).not.toContain('access_token');
  });

  it('posts nothing for a dry run, which records its alerts marked as a rehearsal', async () => {
    bed.emulator.admin.setKeyState('cn-beijing', 'key-demo-beijing', 'Disabled');
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'run', '--dry-run', '--policy', await withWebhook())).toBe(1);

    expect(receiver.received).toHaveLength(0);
    const alerts = (await bed.ws.records()).filter((r) => r.kind === 'alert');
    expect(alerts.map((a) => a.kind === 'alert' && a.alert)).toContain('destination-stopped');
    expect(alerts.every((a) => a.dryRun === 'true')).toBe(true);
  });
});
