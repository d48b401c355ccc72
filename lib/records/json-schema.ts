import * as z from 'zod';
import { StoredRecordSchema } from './schema.ts';

/**
 * The records' contract as JSON Schema (policies/records.schema.json), for whoever reads the
 * logstore or the JSON-lines file with other tools. It describes the JSON-lines form; in SLS
 * every value is its string (numbers and flags as text, counts as JSON text).
 */
export function recordsJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(StoredRecordSchema, { target: 'draft-7', io: 'output' }),
    title: 'dr-replicator log records',
  };
}

/** The exact bytes of policies/records.schema.json. */
export function recordsJsonSchemaText(): string {
  return `${JSON.stringify(recordsJsonSchema(), null, 2)}\n`;
}
