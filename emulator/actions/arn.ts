/** RAM resource names the emulator authorizes against. */
export function snapshotArn(regionId: string, accountId: string, snapshotId: string): string {
  return `acs:ecs:${regionId}:${accountId}:snapshot/${snapshotId}`;
}

export function kmsKeyArn(regionId: string, accountId: string, keyId: string): string {
  return `acs:kms:${regionId}:${accountId}:key/${keyId}`;
}

export function logstoreArn(
  regionId: string,
  accountId: string,
  project: string,
  logstore: string,
): string {
  return `acs:log:${regionId}:${accountId}:project/${project}/logstore/${logstore}`;
}

export function diskArn(regionId: string, accountId: string, diskId: string): string {
  return `acs:ecs:${regionId}:${accountId}:disk/${diskId}`;
}
