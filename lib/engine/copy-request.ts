import { Code } from '../codes.ts';
import { ReplicatorError } from '../errors.ts';
import { API_LIMITS } from '../policy/api-rules.ts';
import {
  isValidTagKey,
  isValidTagValue,
  provenanceTags,
  renderCopyDescription,
  renderCopyName,
  type TemplateVars,
} from '../policy/render.ts';
import type { Destination, Policy } from '../policy/schema.ts';
import type { CopySnapshotRequest, Snapshot } from '../ports.ts';
import { clientToken } from './client-token.ts';

/** One tag slot stays free for the reported marker (reconcile.ts) added after completion. */
const RESERVED_TAG_SLOTS = 1;

/** The policy asks for a copy the engine must not make (an item failure, not a crash). */
export class CopyRequestError extends ReplicatorError {}

/** Policy tags, then source tags if asked (what fits), then the provenance tags. */
export function copyTags(
  policy: Policy,
  source: Snapshot,
  provenance: Record<string, string>,
): Record<string, string> {
  const tags: Record<string, string> = { ...policy.copy.tags };
  const limit = API_LIMITS.maxTags - Object.keys(provenance).length - RESERVED_TAG_SLOTS;
  if (policy.copy.copySourceTags) {
    for (const [key, value] of Object.entries(source.tags)) {
      if (Object.keys(tags).length >= limit) break;
      if (key in tags || key in provenance || key.startsWith('dr-replicator:')) continue;
      if (isValidTagKey(key) && isValidTagValue(value)) tags[key] = value;
    }
  }
  return { ...tags, ...provenance };
}

/**
 * The CopySnapshot request for (source, destination), or a CopyRequestError when the policy
 * cannot copy it safely (an encrypted source with no destination key: never a plaintext copy).
 */
export function buildCopyRequest(
  policy: Policy,
  source: Snapshot,
  dest: Destination,
  generation: number,
): CopySnapshotRequest {
  const encrypted = source.encrypted || dest.encrypted;
  if (source.encrypted && !dest.kmsKeyId) {
    throw new CopyRequestError(
      Code.EncryptedSourceWithoutKey,
      `${source.snapshotId} is encrypted but destination ${dest.region} has no kmsKeyId: refusing a plaintext copy (give ${dest.region} a kmsKeyId to copy it)`,
    );
  }
  const vars: TemplateVars = {
    sourceName: source.name,
    snapshotId: source.snapshotId,
    diskId: source.sourceDiskId,
    sourceRegion: source.regionId,
    destRegion: dest.region,
    date: new Date(source.creationTime),
  };
  const request: CopySnapshotRequest = {
    sourceRegionId: source.regionId,
    snapshotId: source.snapshotId,
    destinationRegionId: dest.region,
    name: renderCopyName(policy.copy.nameTemplate, vars),
    description: renderCopyDescription(policy.copy.descriptionTemplate, vars),
    encrypted,
    tags: copyTags(policy, source, provenanceTags(policy.name, vars)),
    clientToken: clientToken({
      policy: policy.name,
      sourceRegion: source.regionId,
      snapshotId: source.snapshotId,
      destRegion: dest.region,
      generation,
    }),
  };
  if (dest.retentionDays !== undefined) request.retentionDays = dest.retentionDays;
  if (encrypted && dest.kmsKeyId) request.kmsKeyId = dest.kmsKeyId;
  return request;
}
