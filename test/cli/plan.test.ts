import { describe, expect, it } from 'vitest';
import type { Plan } from '../../lib/engine/types.ts';
import { captureIo, cli, EXAMPLE_POLICY, emulatorEnv, useDemoCloud } from './run-fixtures.ts';

const WRITES = ['CopySnapshot', 'DeleteSnapshot', 'TagResources', 'UntagResources'];

describe('dr-replicator plan', () => {
  const bed = useDemoCloud();

  async function planJson(policy: string, exitCode = 0): Promise<Plan> {
    const io = captureIo(emulatorEnv(bed.emulator));
    expect(await cli(io, 'plan', '--policy', policy, '--output', 'json')).toBe(exitCode);
    return JSON.parse(io.stdoutText()) as Plan;
  }

  it('prints every item with its action and reason, and the calls a run would add', async () => {
    const policy = await bed.ws.policy('p.yaml');
    const plan = await planJson(policy);
    const io = captureIo(emulatorEnv(bed.emulator));

    const code = await cli(io, 'plan', '--policy', policy);

    expect(code).toBe(0);
    const text = io.stdoutText();
    const copies = plan.items.filter((item) => item.action === 'copy');
    expect(copies.length).toBeGreaterThan(0);
    for (const item of plan.items) {
      const row = text
        .split('\n')
        .find(
          (line) =>
            line.startsWith(`${item.action} `) &&
            line.includes(item.destRegion) &&
            line.includes(`${item.sourceRegion}/${item.sourceSnapshotId}`),
        );
      expect(row, `${item.action} ${item.sourceSnapshotId} -> ${item.destRegion}`).toContain(
        item.reason,
      );
    }
    expect(text).toContain(
      `API calls a run would add: ${copies.length} (CopySnapshot ${copies.length})`,
    );
  });

  it('gives the reason a snapshot is skipped (an archive snapshot cannot be copied)', async () => {
    const plan = await planJson(await bed.ws.policy('p.yaml'));
    const archive = bed.emulator.admin
      .snapshots('cn-shanghai')
      .find((s) => s.category === 'archive' && s.tags.dr === 'true');

    const items = plan.items.filter((item) => item.sourceSnapshotId === archive?.snapshotId);

    expect(items.length).toBe(plan.destinations.length);
    for (const item of items) {
      expect(item.action).toBe('skipped');
      expect(item.reason).toMatch(/archive/);
    }
  });

  it('shows an encrypted source bound for a destination without a key as a failure, as the run records it', async () => {
    const policy = await bed.ws.policy('p.yaml', (p) => {
      for (const dest of p.destinations) {
        if (dest.region === 'ap-southeast-1') delete dest.kmsKeyId;
      }
    });
    // Exit 1, as the run: a plan with an item that would fail is not a clean plan.
    const plan = await planJson(policy, 1);
    const planned = plan.items.filter(
      (i) => i.errorCode === 'PolicyError.EncryptedSourceWithoutKey',
    );

    expect(await cli(captureIo(emulatorEnv(bed.emulator)), 'run', '--policy', policy)).toBe(1);

    expect(planned.length).toBeGreaterThan(0);
    for (const item of planned) {
      expect(item).toMatchObject({ action: 'fail', destRegion: 'ap-southeast-1' });
      expect(item.reason).toMatch(/^will fail: .*encrypted.*no kmsKeyId/);
    }
    const recorded = (await bed.ws.records()).filter(
      (r) => r.kind === 'item' && r.errorCode === 'PolicyError.EncryptedSourceWithoutKey',
    );
    expect(
      recorded.map((r) => (r.kind === 'item' ? `${r.outcome} ${r.sourceSnapshotId}` : '')),
    ).toEqual(planned.map((i) => `failed ${i.sourceSnapshotId}`));
  });

  it('makes no call that writes to the cloud', async () => {
    const io = captureIo(emulatorEnv(bed.emulator));

    await cli(io, 'plan', '--policy', await bed.ws.policy('p.yaml'));

    const calls = bed.emulator.admin.calls();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((call) => WRITES.includes(call.action))).toEqual([]);
    expect(await bed.ws.records()).toEqual([]);
  });

  it('shows the copies a run started as in progress, with their copy ids', async () => {
    const policy = await bed.ws.policy('p.yaml');
    expect(await cli(captureIo(emulatorEnv(bed.emulator)), 'run', '--policy', policy)).toBe(0);
    const started = (await bed.ws.records()).filter(
      (r) => r.kind === 'item' && r.outcome === 'started',
    );

    const plan = await planJson(policy);

    const inProgress = plan.items.filter((item) => item.action === 'in-progress');
    expect(inProgress.map((item) => item.copySnapshotId).sort()).toEqual(
      started.map((r) => (r.kind === 'item' ? r.copySnapshotId : undefined)).sort(),
    );
  });

  it('shows a destination whose KMS key is disabled as skipped, with the error, and exits 1', async () => {
    bed.emulator.admin.setKeyState('cn-beijing', 'key-demo-beijing', 'Disabled');
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'plan', '--policy', await bed.ws.policy('p.yaml'))).toBe(1);

    expect(io.stdoutText()).toMatch(/^ {2}cn-beijing +skipped: \S+/m);
    expect(io.stdoutText()).toMatch(/^ {2}ap-southeast-1 +ok$/m);
  });

  it('runs the shipped example policy against an bed.emulator named by DR_REPLICATOR_ENDPOINT', async () => {
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'plan', '--policy', EXAMPLE_POLICY)).toBe(0);

    expect(io.stdoutText()).toMatch(/^Plan for policy demo-dr/);
  });

  it('exits 3 when the credentials may not list snapshots at all', async () => {
    bed.emulator.admin.setRamPolicy({
      Version: '1',
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'ecs:DescribeSnapshots', Resource: '*' },
      ],
    });
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'plan', '--policy', await bed.ws.policy('p.yaml'))).toBe(3);

    expect(io.stderrText()).toMatch(/^dr-replicator plan: aborted: Forbidden\.RAM: /m);
  });

  it('exits 2 naming the credential variable that is missing', async () => {
    const env = emulatorEnv(bed.emulator);
    delete env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    const io = captureIo(env);

    expect(await cli(io, 'plan', '--policy', await bed.ws.policy('p.yaml'))).toBe(2);

    expect(io.stderrText()).toContain('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    expect(bed.emulator.admin.calls()).toEqual([]);
  });

  it('exits 2 with file:line:col for an invalid policy, before any API call', async () => {
    const policy = await bed.ws.policy('bad.yaml', (p) => {
      p.destinations[0]!.retentionDays = 0;
    });
    const io = captureIo(emulatorEnv(bed.emulator));

    expect(await cli(io, 'plan', '--policy', policy)).toBe(2);

    expect(io.stderrText()).toMatch(/bad\.yaml:\d+:\d+: destinations\.0\.retentionDays/);
    expect(bed.emulator.admin.calls()).toEqual([]);
  });
});
