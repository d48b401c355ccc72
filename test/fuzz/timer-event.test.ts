import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MalformedEventError, parseTimerEvent } from '../../functions/replicate/event.ts';
import { chaosSeed, propertyTimeoutMs, sized } from '../chaos/support/mode.ts';

const numRuns = sized(500, 10_000);

/** Parsing either yields an invocation or a MalformedEventError that says what is wrong. */
function parsesOrExplains(event: Buffer): void {
  try {
    const invocation = parseTimerEvent(event);
    expect(typeof invocation).toBe('object');
    if (invocation.policyFile !== undefined) {
      // Whatever the payload says, the policy file stays inside the function's code.
      expect(invocation.policyFile.startsWith('/')).toBe(false);
      expect(invocation.policyFile.split(/[\\/]/)).not.toContain('..');
    }
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedEventError);
    const { code, message } = error as MalformedEventError;
    expect(code).toBe('Event.Malformed');
    expect(message.length).toBeGreaterThan(0);
    // One readable line, bounded: a 1 MB payload must not be echoed into the error record.
    expect(message).not.toMatch(/\n\s+at /);
    expect(message.length).toBeLessThan(2_000);
  }
}

const jsonish = fc.jsonValue({ maxDepth: 4 });

const timerShaped = fc.record(
  {
    triggerTime: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      jsonish,
    ),
    triggerName: fc.oneof(fc.string(), jsonish),
    payload: fc.oneof(
      fc.string(),
      jsonish,
      jsonish.map((v) => JSON.stringify(v)),
      fc.record({ policy: fc.oneof(fc.string(), jsonish) }).map((v) => JSON.stringify(v)),
      fc
        .array(fc.constantFrom('..', '.', 'policies', 'a.yaml', '/etc', 'x\\..\\y'), {
          minLength: 1,
          maxLength: 5,
        })
        .map((parts) => JSON.stringify({ policy: `${parts.join('/')}.yaml` })),
    ),
  },
  { requiredKeys: [] },
);

describe('FC timer event parsing under hostile input', () => {
  it(
    'survives arbitrary bytes',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
          parsesOrExplains(Buffer.from(bytes));
        }),
        { numRuns, seed: chaosSeed },
      );
    },
    propertyTimeoutMs,
  );

  it(
    'survives JSON of every type in place of the event object',
    () => {
      fc.assert(
        fc.property(jsonish, (value) => {
          parsesOrExplains(Buffer.from(JSON.stringify(value) ?? ''));
        }),
        { numRuns, seed: chaosSeed },
      );
    },
    propertyTimeoutMs,
  );

  it(
    'survives timer-shaped events whose fields have the wrong types or escaping paths',
    () => {
      fc.assert(
        fc.property(timerShaped, (event) => {
          parsesOrExplains(Buffer.from(JSON.stringify(event)));
        }),
        { numRuns, seed: chaosSeed },
      );
    },
    propertyTimeoutMs,
  );

  it('rejects a 1 MB payload with a bounded message', () => {
    const huge = 'x'.repeat(1024 * 1024);
    for (const event of [
      huge,
      JSON.stringify({ triggerName: 't', payload: huge }),
      JSON.stringify({ payload: JSON.stringify({ policy: huge }) }),
      `{"payload": "${'{'.repeat(1024 * 1024)}"}`,
    ]) {
      parsesOrExplains(Buffer.from(event));
    }
  });

  it('rejects a payload that names a policy outside the code', () => {
    for (const policy of ['/etc/passwd.yaml', '../secrets.yaml', 'a/../../b.yaml']) {
      expect(() =>
        parseTimerEvent(Buffer.from(JSON.stringify({ payload: JSON.stringify({ policy }) }))),
      ).toThrow(MalformedEventError);
    }
  });
});
