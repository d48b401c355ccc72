import * as z from 'zod';
import { OrgSchema } from './schema.ts';

/** policies/org.schema.json: draft-07 for yaml-language-server, describing what a user writes. */
export function orgJsonSchemaText(): string {
  const schema = {
    ...z.toJSONSchema(OrgSchema, { target: 'draft-7', io: 'input' }),
    title: 'dr-replicator organisation',
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
