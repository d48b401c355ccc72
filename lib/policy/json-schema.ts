import * as z from 'zod';
import { PolicySchema } from './schema.ts';

/**
 * The published JSON Schema (draft-07: what yaml-language-server understands) for editors.
 * `io: 'input'` describes what a user writes: fields with defaults are optional.
 */
export function policyJsonSchema(): Record<string, unknown> {
  return draft7Schema(PolicySchema, 'input', 'dr-replicator replication policy');
}

/** The exact bytes of policies/policy.schema.json. */
export function policyJsonSchemaText(): string {
  return draft7SchemaText(PolicySchema, 'input', 'dr-replicator replication policy');
}

/**
 * The bytes of a published schema file (policies/*.schema.json): the zod schema as draft-07
 * JSON Schema with its title last, two-space indented, ending in a newline.
 */
export function draft7SchemaText(schema: z.ZodType, io: 'input' | 'output', title: string): string {
  return `${JSON.stringify(draft7Schema(schema, io, title), null, 2)}\n`;
}

function draft7Schema(
  schema: z.ZodType,
  io: 'input' | 'output',
  title: string,
): Record<string, unknown> {
  return { ...z.toJSONSchema(schema, { target: 'draft-7', io }), title };
}
