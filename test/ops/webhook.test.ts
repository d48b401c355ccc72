import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDeliveryError } from '../../lib/ops/errors.ts';
import { createWebhookNotifier, redactUrl, WEBHOOK_DEFAULTS } from '../../lib/ops/webhook.ts';
import { recordingSleep } from '../support/recording-sleep.ts';
import { alert } from './fixtures.ts';
import { startReceiver } from './receiver.ts';

const breach = alert({
  alert: 'rpo-breach',
  diskId: 'd-a',
  destRegion: 'cn-beijing',
  sourceRegion: 'cn-hangzhou',
  message: 'd-a: newest copy in cn-beijing is 30h old (RPO 24h)',
});

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

async function receiver(respond?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(respond);
  closers.push(r.close);
  return r;
}

describe('createWebhookNotifier', () => {
  it('posts one DingTalk markdown message per batch of alerts', async () => {
    const r = await receiver();
    const notifier = createWebhookNotifier({ url: r.url });
    const second = alert({ alert: 'heartbeat-missed', message: 'no run for 9h' });
    const delivery = await notifier.notify([breach, second]);

    expect(delivery).toEqual({ attempts: 1, status: 200 });
    expect(r.received).toHaveLength(1);
    const body = JSON.parse(r.received[0]!.body);
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toContain('rpo-breach');
    expect(body.markdown.text).toContain('d-a from cn-hangzhou to cn-beijing');
    expect(body.markdown.text).toContain('no run for 9h');
    expect(r.received[0]!.headers['content-type']).toMatch(/^application\/json/);
  });

  it('retries a receiver that fails twice and delivers on the third attempt', async () => {
    const r = await receiver((n) =>
      n <= 2 ? { status: 503 } : { status: 200, body: '{"errcode":0}' },
    );
    const { delays, sleep } = recordingSleep();
    const notifier = createWebhookNotifier({ url: r.url }, { sleep, random: () => 0.999 });

    const delivery = await notifier.notify([breach]);

    expect(delivery?.attempts).toBe(3);
    expect(r.received).toHaveLength(3);
    // Full jitter under an exponential cap: base, then twice the base.
    expect(delays).toEqual([
      Math.floor(0.999 * WEBHOOK_DEFAULTS.baseDelayMs),
      Math.floor(0.999 * WEBHOOK_DEFAULTS.baseDelayMs * 2),
    ]);
  });

  it('gives up after maxAttempts with a WebhookDeliveryError, delays capped at maxDelayMs', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const { delays, sleep } = recordingSleep();
    const notifier = createWebhookNotifier(
      { url: r.url },
      { sleep, random: () => 0.999, maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 3000 },
    );

    const error = await notifier.notify([breach]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as WebhookDeliveryError).code).toBe('WebhookRejected');
    expect(r.received).toHaveLength(6);
    expect(Math.max(...delays)).toBeLessThanOrEqual(3000);
  });

  it('does not retry a refusal that another attempt cannot fix (HTTP 400)', async () => {
    const r = await receiver(() => ({ status: 400 }));
    const notifier = createWebhookNotifier({ url: r.url }, { sleep: async () => undefined });
    await expect(notifier.notify([breach])).rejects.toMatchObject({ code: 'WebhookRejected' });
    expect(r.received).toHaveLength(1);
  });

  it("treats DingTalk's 200 with a non-zero errcode as a refusal", async () => {
    const r = await receiver(() => ({
      status: 200,
      body: '{"errcode":310000,"errmsg":"sign not match"}',
    }));
    const notifier = createWebhookNotifier({ url: r.url }, { sleep: async () => undefined });
    await expect(notifier.notify([breach])).rejects.toThrow(/errcode 310000/);
    expect(r.received).toHaveLength(1);
  });

  it("retries DingTalk's rate-limit errcode 130101", async () => {
    const r = await receiver((n) =>
      n === 1
        ? { status: 200, body: '{"errcode":130101}' }
        : { status: 200, body: '{"errcode":0}' },
    );
    const notifier = createWebhookNotifier({ url: r.url }, { sleep: async () => undefined });
    expect((await notifier.notify([breach]))?.attempts).toBe(2);
  });

  it('retries an unreachable endpoint and reports it without the query string', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const notifier = createWebhookNotifier(
      { url: `http://127.0.0.1:${port}/send?access_token=tok-secret` },
      { sleep: async () => undefined, maxAttempts: 2 },
    );

    const error = (await notifier
      .notify([breach])
      .catch((e: unknown) => e)) as WebhookDeliveryError;

    expect(error.code).toBe('WebhookUnreachable');
    expect(error.message).toContain(`127.0.0.1:${port}/send`);
    expect(JSON.stringify({ message: error.message, cause: error.cause })).not.toContain(
      'tok-secret',
    );
  });

  it('signs with the DingTalk timestamp and HMAC-SHA256 sign, and never sends the secret', async () => {
    const r = await receiver();
    const secret = 'SECdeadbeef-signing-secret';
    const notifier = createWebhookNotifier(
      { url: r.url, secret },
      { now: () => 1_764_000_000_000 },
    );

    await notifier.notify([breach]);

    const { url, body } = r.received[0]!;
    expect(url.searchParams.get('access_token')).toBe('tok-123');
    expect(url.searchParams.get('timestamp')).toBe('1764000000000');
    const expected = createHmac('sha256', secret)
      .update(`1764000000000\n${secret}`)
      .digest('base64');
    expect(url.searchParams.get('sign')).toBe(expected);
    expect(body).not.toContain(secret);
    expect(url.toString()).not.toContain(secret);
  });

  it('sends nothing for an empty batch', async () => {
    const r = await receiver();
    expect(await createWebhookNotifier({ url: r.url }).notify([])).toBeUndefined();
    expect(r.received).toHaveLength(0);
  });
});

describe('redactUrl', () => {
  it('keeps scheme, host and path and drops the query', () => {
    expect(redactUrl('https://oapi.dingtalk.com/robot/send?access_token=abc&sign=x')).toBe(
      'https://oapi.dingtalk.com/robot/send',
    );
  });
});
