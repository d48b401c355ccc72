/** RAM resource names the emulator authorizes against. */
export function snapshotArn(regionId: string, accountId: string, snapshotId: string): string {
  return `acs:ecs:${regionId}:${accountId}:snapshot/${snapshotId}`;
}

export function kmsKeyArn(regionId: string, accountId: string, keyId: string): string {
  return `acs:kms:${regionId}:${accountId}:key/${keyId}`;
}
