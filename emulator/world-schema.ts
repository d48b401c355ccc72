import * as z from 'zod';
import type { World } from './model/types.ts';

const tags = z.record(z.string(), z.string());
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time');

/** Validates a world file (JSON) before it replaces the cloud; unknown keys are errors. */
export const WorldSchema = z.strictObject({
  accountId: z.string().optional(),
  regions: z.array(
    z.strictObject({
      regionId: z.string(),
      byok: z.boolean().optional(),
      encryptedCopy: z.boolean().optional(),
      snapshotQuota: z.number().int().nonnegative().optional(),
    }),
  ),
  instances: z
    .array(
      z.strictObject({
        instanceId: z.string(),
        regionId: z.string(),
        name: z.string(),
        tags: tags.optional(),
      }),
    )
    .optional(),
  disks: z.array(
    z.strictObject({
      diskId: z.string(),
      regionId: z.string(),
      instanceId: z.string().optional(),
      type: z.enum(['system', 'data']),
      sizeGiB: z.number().positive(),
      category: z.string().optional(),
      encrypted: z.boolean().optional(),
      kmsKeyId: z.string().optional(),
      tags: tags.optional(),
    }),
  ),
  snapshots: z.array(
    z.strictObject({
      snapshotId: z.string(),
      regionId: z.string(),
      diskId: z.string(),
      name: z.string().optional(),
      description: z.string().optional(),
      creationTime: isoTime,
      status: z.enum(['progressing', 'accomplished', 'failed']).optional(),
      progress: z.number().min(0).max(100).optional(),
      completesAt: isoTime.optional(),
      snapshotType: z.enum(['auto', 'user']).optional(),
      category: z.enum(['standard', 'flash', 'archive']).optional(),
      encrypted: z.boolean().optional(),
      kmsKeyId: z.string().optional(),
      tags: tags.optional(),
      retentionDays: z.number().int().min(1).max(65536).optional(),
      sizeGiB: z.number().positive().optional(),
      sourceSnapshotId: z.string().optional(),
      sourceRegionId: z.string().optional(),
      resourceGroupId: z.string().min(1).optional(),
    }),
  ),
  kmsKeys: z.array(
    z.strictObject({
      keyId: z.string(),
      regionId: z.string(),
      state: z.enum(['Enabled', 'Disabled', 'PendingDeletion', 'PendingImport']).optional(),
      spec: z.string().optional(),
      origin: z.string().optional(),
      ecsAuthorized: z.boolean().optional(),
      aliases: z.array(z.string()).optional(),
      description: z.string().optional(),
    }),
  ),
  account: z
    .strictObject({
      balanceOk: z.boolean().optional(),
      snapshotServiceEnabled: z.boolean().optional(),
      whitelisted: z.boolean().optional(),
      kmsEnabled: z.boolean().optional(),
    })
    .optional(),
  copy: z
    .strictObject({
      throughputGiBps: z.number().positive().optional(),
      incrementalFraction: z.number().min(0).max(1).optional(),
      minSeconds: z.number().nonnegative().optional(),
    })
    .optional(),
});

/** Parses a world; throws a TypeError listing every problem as `path: message`. */
export function parseWorld(input: unknown): World {
  const result = WorldSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new TypeError(`invalid world:\n  ${lines.join('\n  ')}`);
  }
  return result.data as World;
}
