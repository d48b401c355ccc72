// Loads a function the way FC's nodejs20 runtime does, in a fresh plain-Node process (no tsx,
// no test runner): `handler: <module>.<export>` resolved in the code folder (the cwd, as in FC's
// /code), then one call per event with an FC-shaped context. Events are FC timer events.
//   FC_HANDLER=index.handler FC_EVENTS='[...]' FC_CONTEXT='{...}' FC_RESULT_FILE=out.json
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const handlerName = process.env.FC_HANDLER ?? 'index.handler';
const dot = handlerName.lastIndexOf('.');
const moduleName = handlerName.slice(0, dot);
const exportName = handlerName.slice(dot + 1);
const candidates = ['.mjs', '.js', '.cjs'].map((ext) => path.resolve(moduleName + ext));
const found = candidates.filter((file) => existsSync(file));
if (found.length !== 1) {
  throw new Error(
    `handler ${handlerName}: expected one of ${candidates.join(', ')}, found ${found.length}`,
  );
}
const module = await import(pathToFileURL(found[0]).href);
const handler = module[exportName];
if (typeof handler !== 'function') throw new Error(`${found[0]} exports no function ${exportName}`);

const events = JSON.parse(process.env.FC_EVENTS ?? '[]');
const context = JSON.parse(process.env.FC_CONTEXT ?? '{}');
const results = [];
for (const [i, event] of events.entries()) {
  const requestId = `${context.requestId ?? 'req'}-${i + 1}`;
  results.push(await handler(Buffer.from(JSON.stringify(event)), { ...context, requestId }));
}
// maxRSS (KiB): the peak the function's memorySize must hold.
const maxRssKb = process.resourceUsage().maxRSS;
await writeFile(process.env.FC_RESULT_FILE ?? 'result.json', JSON.stringify({ results, maxRssKb }));
