import type { CloudClients, EcsApi, KmsApi } from '../ports.ts';

/** Calls per API action, every attempt counted (retries included). */
export class CallCounter {
  readonly #counts = new Map<string, number>();

  add(action: string): void {
    this.#counts.set(action, (this.#counts.get(action) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** Wraps an EcsApi so each call is counted under its API action name. */
export function countingEcs(ecs: EcsApi, counter: CallCounter): EcsApi {
  return {
    describeSnapshots: (query, nextToken) => {
      counter.add('DescribeSnapshots');
      return ecs.describeSnapshots(query, nextToken);
    },
    copySnapshot: (request) => {
      counter.add('CopySnapshot');
      return ecs.copySnapshot(request);
    },
    deleteSnapshot: (regionId, snapshotId) => {
      counter.add('DeleteSnapshot');
      return ecs.deleteSnapshot(regionId, snapshotId);
    },
    tagSnapshots: (regionId, ids, tags) => {
      counter.add('TagResources');
      return ecs.tagSnapshots(regionId, ids, tags);
    },
    lockSnapshot: (request) => {
      counter.add('LockSnapshot');
      return ecs.lockSnapshot(request);
    },
    describeLockedSnapshots: (regionId, ids, nextToken) => {
      counter.add('DescribeLockedSnapshots');
      return ecs.describeLockedSnapshots(regionId, ids, nextToken);
    },
    createDisk: (request) => {
      counter.add('CreateDisk');
      return ecs.createDisk(request);
    },
    describeDisks: (query, nextToken) => {
      counter.add('DescribeDisks');
      return ecs.describeDisks(query, nextToken);
    },
    deleteDisk: (regionId, diskId) => {
      counter.add('DeleteDisk');
      return ecs.deleteDisk(regionId, diskId);
    },
    describeZones: (regionId) => {
      counter.add('DescribeZones');
      return ecs.describeZones(regionId);
    },
    listTaggedSnapshots: (regionId, tags, nextToken) => {
      counter.add('ListTagResources');
      return ecs.listTaggedSnapshots(regionId, tags, nextToken);
    },
  };
}

export function countingKms(kms: KmsApi, counter: CallCounter): KmsApi {
  return {
    describeKey: (regionId, keyId) => {
      counter.add('DescribeKey');
      return kms.describeKey(regionId, keyId);
    },
  };
}

export function countingClients(cloud: CloudClients, counter: CallCounter): CloudClients {
  return { ecs: countingEcs(cloud.ecs, counter), kms: countingKms(cloud.kms, counter) };
}
