import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandler, type HandlerResult } from '../../functions/replicate/index.ts';
import { chaosSeed, propertyTimeoutMs, sized } from '../chaos/support/mode.ts';

// Every case ends before any cloud call: either the event is refused or the policy it names is
// not in the (empty) code folder. So the handler's whole input path runs, and nothing else.
const codeRoot = mkdtempSync(path.join(tmpdir(), 'dr-fuzz-handler-'));
afterAll(() => rmSync(codeRoot, { recursive: true, force: true }));

const numRuns = sized(200, 5_000);
const SECRET = 'fuzz-secret-never-logged';
const context = {
  requestId: 'fuzz-request',
  credentials: { accessKeyId: 'fuzz-id', accessKeySecret: SECRET, securityToken: 'fuzz-token' },
  function: { name: 'replicate', timeout: 60 },
};

interface Outcome {
  result: HandlerResult;
  lines: string[];
}

async function invoke(event: Buffer): Promise<Outcome> {
  const lines: string[] = [];
  const handler = createHandler({
    env: { POLICY_FILE: 'policies/missing.yaml', FC_FUNC_CODE_PATH: codeRoot },
    writeLog: (line) => lines.push(line),
    cwd: () => codeRoot,
  });
  const result = await handler(event, context);
  return { result, lines };
}

/** Exit 2 with a stable code, and a JSON error line that holds no stack and no secret. */
function refusedCleanly({ result, lines }: Outcome): void {
  expect(result.exitCode).toBe(2);
  expect('error' in result).toBe(true);
  if (!('error' in result)) return;
  expect(result.error.code).toMatch(/^[A-Za-z]+(\.[A-Za-z]+)*$/);
  expect(result.error.message.length).toBeGreaterThan(0);
  const errorLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(errorLines.some((l) => l.level === 'ERROR' && l.errorCode === result.error.code)).toBe(
    true,
  );
  const text = lines.join('');
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('fuzz-token');
  // A 1 MB event must not be copied into FC's log: every line stays readable.
  for (const line of lines) expect(line.length).toBeLessThan(16_384);
}

const eventShaped = fc.record(
  {
    triggerTime: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.jsonValue(),
    ),
    triggerName: fc.oneof(fc.string(), fc.jsonValue()),
    payload: fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ policy: fc.oneof(fc.string(), fc.jsonValue()) }).map((v) => JSON.stringify(v)),
    ),
  },
  { requiredKeys: [] },
);

describe('FC handler with a hostile event', () => {
  it(
    'answers garbage bytes with exit 2 and an error log line',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), async (bytes) => {
          refusedCleanly(await invoke(Buffer.from(bytes)));
        }),
        { numRuns, seed: chaosSeed },
      );
    },
    propertyTimeoutMs,
  );

  it(
    'answers JSON of the wrong types with exit 2 and an error log line',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue(), eventShaped), async (value) => {
          refusedCleanly(await invoke(Buffer.from(JSON.stringify(value) ?? 'undefined')));
        }),
        { numRuns, seed: chaosSeed },
      );
    },
    propertyTimeoutMs,
  );

  it('answers 1 MB events with exit 2 and a bounded log line', async () => {
    const mb = 'x'.repeat(1024 * 1024);
    const events = [
      mb,
      JSON.stringify({ triggerName: mb }),
      JSON.stringify({ payload: mb }),
      JSON.stringify({ payload: JSON.stringify({ policy: `${mb}.yaml` }) }),
      JSON.stringify({ payload: `${mb}.yaml` }),
    ];
    for (const event of events) refusedCleanly(await invoke(Buffer.from(event)));
  });

  it('answers a missing event and a missing context with exit 2, never a throw', async () => {
    const lines: string[] = [];
    const handler = createHandler({ env: {}, writeLog: (l) => lines.push(l), cwd: () => codeRoot });
    const noContext = undefined as unknown as typeof context;
    refusedCleanly({ result: await handler(Buffer.alloc(0), noContext), lines });
  });
});
