import { draft7SchemaText } from '../policy/json-schema.ts';
import { StoredRecordSchema } from './schema.ts';

/**
 * The exact bytes of policies/records.schema.json: the records' contract as JSON Schema, for
 * whoever reads the logstore or the JSON-lines file with other tools. It describes the
 * JSON-lines form; in SLS every value is its string (numbers and flags as text, counts as JSON
 * text).
 */
export function recordsJsonSchemaText(): string {
  return draft7SchemaText(StoredRecordSchema, 'output', 'dr-replicator log records');
}
