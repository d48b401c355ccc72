import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readServiceFile } from '../../scripts/deploy/service-file.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The replicator function as s.yaml deploys it: what the benches measure against. */
export async function deployedReplicator(): Promise<{ memoryMiB: number; nodeOptions: string }> {
  const { functions } = await readServiceFile(ROOT);
  const fn = functions.find((f) => f.resource === 'replicator');
  if (!fn) throw new Error('s.yaml declares no replicator function');
  const memory = fn.props.memorySize;
  if (typeof memory !== 'number') throw new Error('s.yaml sets no memorySize for the replicator');
  return { memoryMiB: memory, nodeOptions: fn.environment.NODE_OPTIONS ?? '' };
}
