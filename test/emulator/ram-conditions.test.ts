import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RamPolicy, RunningEmulator } from '../../emulator/index.ts';
import { demoSnapshot, popClient, popFailure, start } from './support/clients.ts';
import { validCopy } from './support/copy-params.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The policy scripts/deploy/ram-policy.ts generates for the function role, as shipped. */
const SHIPPED = JSON.parse(
  readFileSync(join(REPO, 'policies', 'ram-policy.json'), 'utf8'),
) as RamPolicy;
const PROVENANCE = 'dr-replicator:policy';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());
beforeEach(() => emu.admin.reset());

const ecs = () => popClient(emu);
const deleteSnapshot = (id: string) =>
  ecs().request('DeleteSnapshot', { SnapshotId: id }, { method: 'POST' });
const tagSnapshot = (region: string, id: string, key: string, value: string) =>
  ecs().request(
    'TagResources',
    {
      RegionId: region,
      ResourceType: 'snapshot',
      'ResourceId.1': id,
      'Tag.1.Key': key,
      'Tag.1.Value': value,
    },
    { method: 'POST' },
  );
const exists = (region: string, id: string) =>
  emu.admin.snapshots(region).some((s) => s.snapshotId === id);

/** A copy into cn-beijing carrying the provenance tag, as the replicator makes them. */
async function provenanceCopy(): Promise<string> {
  const { SnapshotId } = await ecs().request<{ SnapshotId: string }>(
    'CopySnapshot',
    validCopy(emu, { 'Tag.1.Key': PROVENANCE, 'Tag.1.Value': 'payments' }),
    { method: 'POST' },
  );
  return SnapshotId;
}

describe('policies/ram-policy.json with its tag conditions, enforced over RPC', () => {
  it('is accepted as is, conditions included', async () => {
    expect(() => emu.admin.setRamPolicy(SHIPPED)).not.toThrow();
  });

  it('denies DeleteSnapshot on an untagged source snapshot with Forbidden.RAM, keeping it', async () => {
    emu.admin.setRamPolicy(SHIPPED);
    const source = demoSnapshot(emu, 'cn-shenzhen', (s) => !(PROVENANCE in s.tags));
    const error = await popFailure(deleteSnapshot(source.snapshotId));
    expect(error.code).toBe('Forbidden.RAM');
    expect(error.entry.response.statusCode).toBe(403);
    expect(exists('cn-shenzhen', source.snapshotId)).toBe(true);
  });

  it('allows DeleteSnapshot on a copy carrying the provenance tag', async () => {
    const copy = await provenanceCopy();
    emu.admin.setRamPolicy(SHIPPED);
    await deleteSnapshot(copy);
    expect(exists('cn-beijing', copy)).toBe(false);
  });

  it('denies TagResources on an untagged snapshot and allows it on a provenance-tagged copy', async () => {
    const copy = await provenanceCopy();
    emu.admin.setRamPolicy(SHIPPED);
    const untagged = demoSnapshot(emu, 'cn-shenzhen', (s) => !(PROVENANCE in s.tags));
    const denied = await popFailure(
      tagSnapshot('cn-shenzhen', untagged.snapshotId, 'dr-replicator:reported', 'completed'),
    );
    expect(denied.code).toBe('Forbidden.RAM');
    await tagSnapshot('cn-beijing', copy, 'dr-replicator:reported', 'completed');
    expect(
      emu.admin.snapshots('cn-beijing').find((s) => s.snapshotId === copy)?.tags,
    ).toMatchObject({ 'dr-replicator:reported': 'completed' });
  });

  it('evaluates the tags a snapshot has before the call: tagging cannot grant itself', async () => {
    emu.admin.setRamPolicy(SHIPPED);
    const untagged = demoSnapshot(emu, 'cn-shenzhen', (s) => !(PROVENANCE in s.tags));
    const error = await popFailure(
      tagSnapshot('cn-shenzhen', untagged.snapshotId, PROVENANCE, 'x'),
    );
    expect(error.code).toBe('Forbidden.RAM');
  });

  it('answers PUT /_emulator/ram-policy with 400 for a condition key it cannot evaluate', async () => {
    const response = await fetch(`${emu.url}/_emulator/ram-policy`, {
      method: 'PUT',
      body: JSON.stringify({
        policy: {
          Version: '1',
          Statement: [
            {
              Effect: 'Allow',
              Action: '*',
              Resource: '*',
              Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } },
            },
          ],
        },
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/IpAddress/);
  });
});
