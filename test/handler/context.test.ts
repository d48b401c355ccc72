import { describe, expect, it } from 'vitest';
import { budgetMs, credentialsFromContext } from '../../functions/replicate/context.ts';

describe('credentialsFromContext', () => {
  it('takes the STS credentials of the function role', () => {
    expect(
      credentialsFromContext({
        requestId: 'r',
        credentials: { accessKeyId: 'STS.id', accessKeySecret: 'secret', securityToken: 'tok' },
      }),
    ).toEqual({ accessKeyId: 'STS.id', accessKeySecret: 'secret', securityToken: 'tok' });
  });

  it('fails with MissingCredentials when the function has no role', () => {
    expect(() => credentialsFromContext({ requestId: 'r' })).toThrowError(
      expect.objectContaining({ code: 'MissingCredentials' }),
    );
  });
});

describe('budgetMs', () => {
  it('is the function timeout less the time the invocation already used', () => {
    expect(budgetMs({ requestId: 'r', function: { timeout: 900 } }, 1_500)).toBe(898_500);
  });

  it('falls back to FC default timeout of 3 s when the context carries none', () => {
    expect(budgetMs({ requestId: 'r' }, 0)).toBe(3_000);
  });
});
