import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { FC3_PROPS_SCHEMA } from './paths.ts';

/** Validates one resolved fc3 `props:` object; returns Ajv's messages, empty when valid. */
export function createFc3PropsValidator(): (props: unknown) => string[] {
  const schema: unknown = JSON.parse(readFileSync(FC3_PROPS_SCHEMA, 'utf8'));
  // strict: false because the schema is generated (typescript-json-schema) and carries
  // annotations such as `default` beside $ref that strict mode rejects.
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema as object);
  return (props) => {
    if (validate(props)) return [];
    return (validate.errors ?? []).map(
      (error: ErrorObject) => `${error.instancePath || '/'} ${error.message ?? ''}`,
    );
  };
}
