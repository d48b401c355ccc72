import { readdir, readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { policyJsonSchemaText } from '../../lib/policy/json-schema.ts';
import { policyReferenceMarkdown } from '../../lib/policy/reference-doc.ts';

const SCHEMA_PATH = 'policies/policy.schema.json';
// Formats (uri) are checked by zod at runtime; the JSON Schema is about structure.
const AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: false } as const;

async function examples(): Promise<string[]> {
  return (await readdir('policies')).filter((f) => f.endsWith('.yaml')).map((f) => `policies/${f}`);
}

describe('policies/policy.schema.json', () => {
  it('is what the zod schema generates (run `npm run schema` when this fails)', async () => {
    expect(await readFile(SCHEMA_PATH, 'utf8')).toBe(policyJsonSchemaText());
  });

  it('has an up-to-date field reference in POLICY-REFERENCE.md (run `npm run schema` when this fails)', async () => {
    expect(await readFile('policies/POLICY-REFERENCE.md', 'utf8')).toBe(policyReferenceMarkdown());
  });

  it('is draft-07, for yaml-language-server', async () => {
    const schema = JSON.parse(await readFile(SCHEMA_PATH, 'utf8'));
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('accepts every example policy', async () => {
    const validate = new Ajv(AJV_OPTIONS).compile(JSON.parse(await readFile(SCHEMA_PATH, 'utf8')));
    for (const file of await examples()) {
      const ok = validate(parse(await readFile(file, 'utf8')));
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('rejects a misspelt key and an unknown region, as the validator does', async () => {
    const validate = new Ajv(AJV_OPTIONS).compile(JSON.parse(await readFile(SCHEMA_PATH, 'utf8')));
    const policy = {
      name: 'x1',
      schedule: '@every 60m',
      source: { regions: ['cn-nowhere'] },
      destinations: [{ region: 'cn-beijing', retentionDay: 3 }],
    };
    expect(validate(policy)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath).sort()).toEqual([
      '/destinations/0',
      '/source/regions/0',
    ]);
  });
});
