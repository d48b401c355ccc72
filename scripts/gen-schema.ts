/**
 * Writes policies/policy.schema.json and policies/POLICY-REFERENCE.md from the zod policy
 * schema, and policies/records.schema.json from the records' one (`npm run schema`). `--check` only compares, exiting 1 when either is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { orgJsonSchemaText } from '../lib/org/json-schema.ts';
import { policyJsonSchemaText } from '../lib/policy/json-schema.ts';
import { policyReferenceMarkdown } from '../lib/policy/reference-doc.ts';
import { recordsJsonSchemaText } from '../lib/records/json-schema.ts';

const outputs = [
  { path: '../policies/policy.schema.json', text: policyJsonSchemaText() },
  { path: '../policies/POLICY-REFERENCE.md', text: policyReferenceMarkdown() },
  { path: '../policies/org.schema.json', text: orgJsonSchemaText() },
  { path: '../policies/records.schema.json', text: recordsJsonSchemaText() },
];

for (const { path, text } of outputs) {
  const target = fileURLToPath(new URL(path, import.meta.url));
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write(`${target} is stale; run npm run schema\n`);
      process.exitCode = 1;
    }
  } else {
    await writeFile(target, text);
    process.stderr.write(`wrote ${target}\n`);
  }
}
