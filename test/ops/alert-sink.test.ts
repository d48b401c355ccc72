import { afterEach, describe, expect, it } from 'vitest';
import { MemorySink } from '../../lib/cloud/sinks.ts';
import { withAlertNotifications } from '../../lib/ops/alert-sink.ts';
import { createWebhookNotifier } from '../../lib/ops/webhook.ts';
import { alert, item, run } from './fixtures.ts';
import { startReceiver } from './receiver.ts';

let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((c) => c()));
  closers = [];
});

describe('withAlertNotifications', () => {
  it('writes every record to the sink and posts only the alerts, before close resolves', async () => {
    const r = await startReceiver();
    closers.push(r.close);
    const memory = new MemorySink();
    const errors: unknown[] = [];
    const sink = withAlertNotifications(memory, createWebhookNotifier({ url: r.url }), (e) =>
      errors.push(e),
    );

    await sink.write([
      item({ diskId: 'd-a', destRegion: 'cn-beijing' }),
      run({ runId: 'r', finishedAt: '2026-11-27T10:00:00Z' }),
    ]);
    await sink.write([
      alert({
        alert: 'destination-stopped',
        destRegion: 'cn-beijing',
        errorCode: 'Forbidden.KeyNotFound',
      }),
    ]);
    await sink.close();

    expect(memory.records).toHaveLength(3);
    expect(memory.closed).toBe(true);
    expect(r.received).toHaveLength(1);
    expect(JSON.parse(r.received[0]!.body).markdown.text).toContain('Forbidden.KeyNotFound');
    expect(errors).toEqual([]);
  });

  it('reports a failed post through onError and never fails the write', async () => {
    const r = await startReceiver(() => ({ status: 400 }));
    closers.push(r.close);
    const memory = new MemorySink();
    const errors: unknown[] = [];
    const sink = withAlertNotifications(
      memory,
      createWebhookNotifier({ url: r.url }, { sleep: async () => undefined }),
      (e) => errors.push(e),
    );

    await sink.write([alert({ alert: 'run-aborted', errorCode: 'Forbidden.RAM' })]);
    await sink.close();

    expect(memory.records).toHaveLength(1);
    expect(errors).toEqual([expect.objectContaining({ code: 'WebhookRejected' })]);
  });
});
