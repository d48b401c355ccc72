import * as z from 'zod';
import { PolicySchema } from './schema.ts';

/**
 * The published JSON Schema (draft-07: what yaml-language-server understands) for editors.
 * `io: 'input'` describes what a user writes: fields with defaults are optional.
 */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(PolicySchema, { target: 'draft-7', io: 'input' }),
    title: 'dr-replicator replication policy',
  };
}

/** The exact bytes of policies/policy.schema.json. */
export function policyJsonSchemaText(): string {
  return `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
}
