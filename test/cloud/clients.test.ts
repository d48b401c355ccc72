import { describe, expect, it } from 'vitest';
import {
  credentialsFromEnv,
  endpointFromEnv,
  MissingCredentialsError,
} from '../../lib/cloud/clients.ts';

describe('credentialsFromEnv', () => {
  it('reads the key pair and the STS token', () => {
    expect(
      credentialsFromEnv({
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
        ALIBABA_CLOUD_SECURITY_TOKEN: 'token',
      }),
    ).toEqual({ accessKeyId: 'id', accessKeySecret: 'secret', securityToken: 'token' });
  });

  it('names what is missing and never echoes what is set', () => {
    const error = (() => {
      try {
        credentialsFromEnv({ ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'hunter2' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MissingCredentialsError);
    expect((error as Error).message).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('endpointFromEnv', () => {
  it('uses DR_REPLICATOR_ENDPOINT when set', () => {
    expect(endpointFromEnv({ DR_REPLICATOR_ENDPOINT: 'http://127.0.0.1:9' })).toBe(
      'http://127.0.0.1:9',
    );
    expect(endpointFromEnv({})).toBeUndefined();
  });
});
