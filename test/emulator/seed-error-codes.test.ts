import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../emulator/index.ts';
import { FIXTURE_SEED_DIR, SHARED_SEED_DIR, seedPages } from '../fixtures/seed-pages.ts';
import { popClient, popFailure, start } from './support/clients.ts';
import { encryptedSourceCopy, validCopy } from './support/copy-params.ts';

function seedFiles(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

/** `400 Duplicate.TagKey The Tag.N.Key ...` rows of the seed's error table. */
function seedErrorCodes(text: string): { status: number; code: string }[] {
  const table = text.slice(text.indexOf('Error codes'));
  return [...table.matchAll(/^(\d{3}) ([A-Za-z][\w.]*) /gm)].map((m) => ({
    status: Number(m[1]),
    code: m[2]!,
  }));
}

const fixtures = seedFiles(FIXTURE_SEED_DIR);
const codes = seedPages().flatMap((page) => seedErrorCodes(readFileSync(page, 'utf8')));

type Scenario = (emu: RunningEmulator) => Promise<unknown>;
const copy = (emu: RunningEmulator, params: Record<string, unknown>) =>
  popClient(emu).request('CopySnapshot', params, { method: 'POST' });

/** One way to provoke each code; a code of the seed without a scenario fails the suite. */
const SCENARIOS: Record<string, Scenario> = {
  'Duplicate.TagKey': (emu) =>
    copy(
      emu,
      validCopy(emu, {
        'Tag.1.Key': 'team',
        'Tag.1.Value': 'a',
        'Tag.2.Key': 'team',
        'Tag.2.Value': 'b',
      }),
    ),
  'InvalidTagKey.Malformed': (emu) =>
    copy(emu, validCopy(emu, { 'Tag.1.Key': 'acs:reserved', 'Tag.1.Value': 'x' })),
  'InvalidTagValue.Malformed': (emu) =>
    copy(emu, validCopy(emu, { 'Tag.1.Key': 'link', 'Tag.1.Value': 'see https://example.com' })),
  'InvalidRegionId.MalFormed': (emu) => copy(emu, validCopy(emu, { RegionId: 'Hangzhou!' })),
  'InvalidSnapshotId.NotFound': (emu) =>
    copy(emu, validCopy(emu, { SnapshotId: 's-bpdoesnotexist000000' })),
  'InvalidUser.NotInWhiteList': (emu) => {
    emu.admin.setAccount({ whitelisted: false });
    return copy(emu, validCopy(emu));
  },
  'InvalidAccountStatus.NotEnoughBalance': (emu) => {
    emu.admin.setAccount({ balanceOk: false });
    return copy(emu, validCopy(emu));
  },
  'InvalidAccountStatus.SnapshotServiceUnavailable': (emu) => {
    emu.admin.setAccount({ snapshotServiceEnabled: false });
    return copy(emu, validCopy(emu));
  },
  'InvalidSnapshotId.NotReady': (emu) => {
    const creating = emu.admin.snapshots('cn-shenzhen').find((s) => s.status === 'progressing')!;
    return copy(emu, validCopy(emu, { RegionId: 'cn-shenzhen', SnapshotId: creating.snapshotId }));
  },
  'InvalidSnapshotName.Malformed': (emu) =>
    copy(emu, validCopy(emu, { DestinationSnapshotName: '9-starts-with-digit' })),
  'InvalidDescription.Malformed': (emu) =>
    copy(emu, validCopy(emu, { DestinationSnapshotDescription: 'x' })),
  'InvalidRetentionDays.Malformed': (emu) => copy(emu, validCopy(emu, { RetentionDays: 65537 })),
  'InvalidRegion.NotSupport': (emu) =>
    copy(
      emu,
      validCopy(emu, {
        DestinationRegionId: 'us-west-1',
        Encrypted: true,
        KMSKeyId: 'key-demo-uswest',
      }),
    ),
  'InvalidParameter.KMSKeyId.NotFound': (emu) =>
    copy(emu, encryptedSourceCopy(emu, { KMSKeyId: 'key-not-there' })),
  'InvalidParameter.KMSKeyId.CMKNotEnabled': (emu) =>
    copy(emu, encryptedSourceCopy(emu, { KMSKeyId: 'key-demo-disabled' })),
  'InvalidParameter.KMSKeyId.KMSUnauthorized': (emu) =>
    copy(
      emu,
      encryptedSourceCopy(emu, {
        DestinationRegionId: 'ap-southeast-1',
        KMSKeyId: 'key-demo-no-ecs-grant',
      }),
    ),
  'QuotaExceed.SnapshotQuota': (emu) => {
    emu.admin.setQuota('cn-beijing', 0);
    return copy(emu, validCopy(emu));
  },
  'InvalidSnapshot.EncryptedNotSupported': (emu) =>
    copy(
      emu,
      encryptedSourceCopy(emu, {
        DestinationStorageLocationArn: 'acs:ebs:cn-beijing:1234567890123456:cloudbox/cb-1',
      }),
    ),
};

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.stop());
beforeEach(() => emu.admin.reset());

describe('the seed (CopySnapshot API page)', () => {
  it('is committed under test/fixtures/seed and identical to ../shared/seed when present', () => {
    expect(fixtures.size).toBeGreaterThan(0);
    if (existsSync(SHARED_SEED_DIR)) expect(seedFiles(SHARED_SEED_DIR)).toEqual(fixtures);
  });

  it('lists the error table the scenarios cover', () => {
    expect(codes.length).toBeGreaterThanOrEqual(18);
    expect(codes.map((c) => c.code).filter((c) => SCENARIOS[c] === undefined)).toEqual([]);
  });
});

describe('CopySnapshot error codes of the seed', () => {
  it.each(codes)('produces $code with HTTP $status', async ({ code, status }) => {
    const scenario = SCENARIOS[code];
    expect(scenario, `no scenario produces ${code}`).toBeDefined();
    const err = await popFailure(scenario!(emu));
    expect(err.code).toBe(code);
    expect(err.entry.response.statusCode).toBe(status);
    expect(
      emu.admin.snapshots('cn-beijing').filter((s) => s.sourceSnapshotId !== undefined),
    ).toEqual([]);
  });

  it('accepts the valid request every scenario departs from', async () => {
    const body = (await copy(emu, validCopy(emu))) as { SnapshotId: string };
    expect(body.SnapshotId).toMatch(/^s-2z/);
    expect(emu.admin.snapshots('cn-beijing').map((s) => s.snapshotId)).toContain(body.SnapshotId);
  });
});
