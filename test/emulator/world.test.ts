import { describe, expect, it } from 'vitest';
import { demoWorld, syntheticWorld } from '../../emulator/world.ts';
import { parseWorld } from '../../emulator/world-schema.ts';

const NOW = new Date('2026-06-01T08:00:00Z');
const DAY = 86_400_000;

describe('demoWorld', () => {
  const world = demoWorld(NOW);
  const drSnapshots = world.snapshots.filter((s) => s.tags?.dr === 'true');

  it('has DR-tagged snapshots in the three source regions', () => {
    expect(new Set(drSnapshots.map((s) => s.regionId))).toEqual(
      new Set(['cn-hangzhou', 'cn-shanghai', 'cn-shenzhen']),
    );
  });

  it('has a week of daily auto snapshots per disk, the newest shortly before now', () => {
    for (const disk of world.disks) {
      const auto = world.snapshots.filter(
        (s) => s.diskId === disk.diskId && s.snapshotType === 'auto',
      );
      expect(auto).toHaveLength(7);
      const newest = Math.max(...auto.map((s) => Date.parse(s.creationTime)));
      expect(NOW.getTime() - newest).toBeGreaterThan(0);
      expect(NOW.getTime() - newest).toBeLessThan(DAY + 3_600_000);
    }
  });

  it('has system and data disks, some encrypted DR sources', () => {
    expect(new Set(world.disks.map((d) => d.type))).toEqual(new Set(['system', 'data']));
    expect(world.disks.some((d) => d.encrypted && d.tags?.dr === 'true')).toBe(true);
  });

  it('has a DR-tagged snapshot that cannot be copied', () => {
    expect(drSnapshots.some((s) => s.category === 'archive')).toBe(true);
  });

  it('has the keys the example policy relies on', () => {
    const key = (id: string) => world.kmsKeys.find((k) => k.keyId === id);
    expect(key('key-demo-beijing')).toMatchObject({ regionId: 'cn-beijing' });
    expect(key('key-demo-beijing')?.state ?? 'Enabled').toBe('Enabled');
    expect(key('key-demo-disabled')?.state).toBe('Disabled');
    for (const region of [
      'cn-hangzhou',
      'cn-shanghai',
      'cn-shenzhen',
      'cn-beijing',
      'ap-southeast-1',
    ]) {
      expect(
        world.kmsKeys.some((k) => k.regionId === region),
        region,
      ).toBe(true);
    }
  });

  it('includes the destinations and a region without BYOK', () => {
    const ids = world.regions.map((r) => r.regionId);
    expect(ids).toEqual(expect.arrayContaining(['cn-beijing', 'ap-southeast-1']));
    expect(world.regions.find((r) => r.byok === false)).toBeDefined();
  });

  it('is the same world for the same start time and passes the world schema', () => {
    expect(demoWorld(NOW)).toEqual(world);
    expect(() => parseWorld(world)).not.toThrow();
  });
});

describe('syntheticWorld', () => {
  it('builds regions × disks × snapshots with the requested tags and encryption', () => {
    const world = syntheticWorld({
      regions: ['cn-hangzhou', 'cn-shanghai'],
      disksPerRegion: 10,
      snapshotsPerDisk: 5,
      now: NOW,
      tagged: { dr: 'true' },
      encryptedFraction: 1,
    });
    expect(world.snapshots).toHaveLength(100);
    expect(world.snapshots.every((s) => s.tags?.dr === 'true')).toBe(true);
    expect(world.disks.every((d) => d.encrypted && d.kmsKeyId === `key-${d.regionId}`)).toBe(true);
    expect(world.kmsKeys.map((k) => k.regionId)).toEqual(
      expect.arrayContaining(['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'ap-southeast-1']),
    );
    expect(new Set(world.snapshots.map((s) => s.snapshotId)).size).toBe(100);
  });
});

describe('parseWorld', () => {
  it('lists every problem with its path', () => {
    expect(() =>
      parseWorld({ regions: [], disks: [{ diskId: 'd' }], snapshots: [], kmsKeys: [], extra: 1 }),
    ).toThrow(/disks\.0\.regionId[\s\S]*\(root\)|\(root\)[\s\S]*disks\.0\.regionId/);
  });
});
