import { describe, expect, it } from 'vitest';
import { MalformedEventError, parseTimerEvent } from '../../functions/replicate/event.ts';

const timer = (payload?: unknown) =>
  Buffer.from(
    JSON.stringify({
      triggerTime: '2026-11-27T02:00:00Z',
      triggerName: 'nightly',
      ...(payload === undefined ? {} : { payload }),
    }),
  );

describe('parseTimerEvent', () => {
  it('reads the trigger name and time of an FC timer event', () => {
    expect(parseTimerEvent(timer())).toEqual({
      triggerName: 'nightly',
      triggerTime: '2026-11-27T02:00:00Z',
    });
  });

  it('takes the policy from a JSON payload', () => {
    expect(parseTimerEvent(timer('{"policy":"policies/prod.yaml"}')).policyFile).toBe(
      'policies/prod.yaml',
    );
  });

  it('takes a bare .yaml payload as the policy file', () => {
    expect(parseTimerEvent(timer('policies/prod.yml')).policyFile).toBe('policies/prod.yml');
  });

  it('leaves the policy to POLICY_FILE when the payload is empty', () => {
    expect(parseTimerEvent(timer('')).policyFile).toBeUndefined();
  });

  it('treats an empty event (a console test invoke) as a run of the default policy', () => {
    expect(parseTimerEvent(Buffer.alloc(0))).toEqual({});
  });

  it.each([
    ['a body that is not JSON', Buffer.from('triggerTime=now')],
    ['a JSON array', Buffer.from('[1,2]')],
    ['a triggerTime that is not a time', Buffer.from('{"triggerTime":"yesterday"}')],
    ['a triggerName that is not a string', Buffer.from('{"triggerName":7}')],
    ['a payload that is broken JSON', timer('{"policy":')],
    ['a payload with a misspelt key', timer('{"polcy":"policies/prod.yaml"}')],
    ['a payload that names no policy file', timer('awesome-fc')],
    ['a policy path that leaves the code folder', timer('{"policy":"../../etc/passwd.yaml"}')],
    ['an absolute policy path', timer('{"policy":"/etc/prod.yaml"}')],
    ['a policy that is not a string', timer('{"policy":42}')],
    [
      'a trigger name longer than FC allows',
      Buffer.from(JSON.stringify({ triggerName: 'n'.repeat(129) })),
    ],
    ['a policy path longer than any shipped file', timer(`${'p'.repeat(2000)}.yaml`)],
  ])('rejects %s with Event.Malformed', (_what, event) => {
    expect(() => parseTimerEvent(event)).toThrowError(
      expect.objectContaining({ code: 'Event.Malformed', constructor: MalformedEventError }),
    );
  });

  it('quotes at most a short excerpt of a hostile body in its message', () => {
    const body = Buffer.from('x'.repeat(1024 * 1024));
    expect(() => parseTimerEvent(body)).toThrowError(
      expect.objectContaining({ message: expect.stringMatching(/^event is not JSON: .{0,200}$/s) }),
    );
  });
});
