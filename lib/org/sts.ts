import type { Credentials, SessionCredentials, StsApi } from '../ports.ts';
import { popCall } from './pop-rpc.ts';

export const STS_API_VERSION = '2015-04-01';
export const STS_ENDPOINT = 'https://sts.aliyuncs.com';

interface AssumeRoleResponse {
  Credentials: {
    AccessKeyId: string;
    AccessKeySecret: string;
    SecurityToken: string;
    Expiration: string;
  };
}

/** RoleSessionName: 2-64 characters of letters, digits and . @ - _ (STS). */
export function sessionName(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9.@_-]/g, '-').slice(0, 64);
  return clean.length >= 2 ? clean : `${clean}--`.slice(0, 2);
}

export function createStsApi(credentials: Credentials, endpoint?: string): StsApi {
  return {
    async assumeRole({ roleArn, sessionName: name, durationSeconds }) {
      const res = await popCall<AssumeRoleResponse>(
        { credentials, endpoint: endpoint ?? STS_ENDPOINT, apiVersion: STS_API_VERSION },
        'AssumeRole',
        { RoleArn: roleArn, RoleSessionName: name, DurationSeconds: durationSeconds },
      );
      const c = res.Credentials;
      const session: SessionCredentials = {
        accessKeyId: c.AccessKeyId,
        accessKeySecret: c.AccessKeySecret,
        securityToken: c.SecurityToken,
        expiration: c.Expiration,
      };
      return session;
    },
  };
}
