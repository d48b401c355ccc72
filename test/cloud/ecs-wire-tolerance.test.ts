import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { toSnapshot } from '../../lib/cloud/ecs.ts';
import { ECS_VERSION, popClient, START, start } from '../emulator/support/clients.ts';
import { validCopy } from '../emulator/support/copy-params.ts';
import { rawRpc } from '../emulator/support/raw-rpc.ts';

/**
 * The product's DescribeSnapshots parser reads the wire types (SourceDiskSize a number) and
 * stays tolerant of the metadata's types (a string), so neither the real API nor an older
 * emulator nor an XML body (every leaf a string) changes what it sees.
 */
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
  await popClient(emu).request(
    'CopySnapshot',
    validCopy(emu, { RetentionDays: 7, 'Tag.1.Key': 'team', 'Tag.1.Value': 'dr' }),
    { method: 'POST' },
  );
});
afterAll(() => emu.stop());

type Raw = Parameters<typeof toSnapshot>[0];

describe('toSnapshot', () => {
  it('reads the same snapshot from number and string forms of the typed fields', () => {
    const wire: Raw = {
      SnapshotId: 's-1',
      Status: 'accomplished',
      Progress: '100%',
      CreationTime: START.toISOString(),
      SourceDiskId: 'd-1',
      SourceDiskSize: 40,
      Encrypted: true,
      RetentionDays: 7,
      Tags: { Tag: [{ TagKey: 'dr', TagValue: 'true' }] },
    };
    const metadata: Raw = { ...wire, SourceDiskSize: '40', Encrypted: 'true', RetentionDays: '7' };
    expect(toSnapshot(metadata, 'cn-hangzhou')).toEqual(toSnapshot(wire, 'cn-hangzhou'));
    expect(toSnapshot(wire, 'cn-hangzhou')).toMatchObject({
      sourceDiskSize: 40,
      encrypted: true,
      retentionDays: 7,
    });
  });

  it('reads the emulator JSON and XML answers of a region to the same snapshots', async () => {
    const list = async (format: 'JSON' | 'XML') => {
      const answer = await rawRpc(emu, {
        action: 'DescribeSnapshots',
        version: ECS_VERSION,
        params: { RegionId: 'cn-beijing', MaxResults: '100' },
        signature: 'v1',
        format,
      });
      const page = answer.body as { Snapshots: { Snapshot: Raw[] } | '' };
      return page.Snapshots === '' ? [] : page.Snapshots.Snapshot;
    };
    const fromJson = (await list('JSON')).map((s) => toSnapshot(s, 'cn-beijing'));
    const fromXml = (await list('XML')).map((s) => toSnapshot(s, 'cn-beijing'));
    expect(fromJson.length).toBeGreaterThan(0);
    expect(fromXml).toEqual(fromJson);
    expect(fromJson[0]?.sourceDiskSize).toBeGreaterThan(0);
  });
});
