import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/deploy/support/paths.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * A file from the shared reference folder that sits beside the repository (../shared in CI and
 * on the team's machines), or the copy committed under test/fixtures/ when it is absent.
 */
export function sharedFile(relativeToShared: string, fixture: string): string {
  const shared = path.resolve(REPO_ROOT, '..', 'shared', relativeToShared);
  return existsSync(shared) ? shared : path.join(REPO_ROOT, 'test', 'fixtures', fixture);
}

export const FC3_PROPS_SCHEMA = sharedFile(
  'reference/fc3-props.schema.json',
  'fc3-props.schema.json',
);

/** The CopySnapshot API page(s) from ../shared/seed, or the committed copy. */
export { seedPages } from '../../fixtures/seed-pages.ts';

export const ALIBABA_API_REFERENCE = sharedFile('reference/alibaba-api.md', 'alibaba-api.md');

export const OPERATIONS_DOC = path.join(REPO_ROOT, 'docs', 'operations.md');
