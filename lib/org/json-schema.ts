import { draft7SchemaText } from '../policy/json-schema.ts';
import { OrgSchema } from './schema.ts';

/** policies/org.schema.json: draft-07 for yaml-language-server, describing what a user writes. */
export function orgJsonSchemaText(): string {
  return draft7SchemaText(OrgSchema, 'input', 'dr-replicator organisation');
}
