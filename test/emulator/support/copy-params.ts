import type { RunningEmulator } from '../../../emulator/index.ts';
import { demoSnapshot } from './clients.ts';

/** A valid CopySnapshot request for an unencrypted DR snapshot of the demo world. */
export function validCopy(
  emu: RunningEmulator,
  overrides: Record<string, string | number | boolean> = {},
) {
  const source = demoSnapshot(emu, 'cn-hangzhou', (s) => !s.encrypted && s.tags.dr === 'true');
  return {
    RegionId: 'cn-hangzhou',
    SnapshotId: source.snapshotId,
    DestinationRegionId: 'cn-beijing',
    DestinationSnapshotName: 'dr-copy-1',
    DestinationSnapshotDescription: 'DR copy for the rehearsal',
    ...overrides,
  };
}

/** The same for an encrypted DR snapshot. */
export function encryptedSourceCopy(
  emu: RunningEmulator,
  overrides: Record<string, string | number | boolean> = {},
) {
  const source = demoSnapshot(emu, 'cn-hangzhou', (s) => s.encrypted && s.tags.dr === 'true');
  return validCopy(emu, {
    SnapshotId: source.snapshotId,
    Encrypted: true,
    KMSKeyId: 'key-demo-beijing',
    ...overrides,
  });
}
