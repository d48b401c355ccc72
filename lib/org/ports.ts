import type { Credentials } from '../cloud/ports.ts';

/** STS credentials of an assumed role, with when they stop working. */
export interface SessionCredentials extends Credentials {
  securityToken: string;
  /** ISO 8601 UTC. */
  expiration: string;
}

/** STS AssumeRole (2015-04-01). */
export interface StsApi {
  assumeRole(input: {
    roleArn: string;
    sessionName: string;
    durationSeconds: number;
  }): Promise<SessionCredentials>;
}

export interface MemberAccount {
  accountId: string;
  displayName: string;
  folderId: string;
  /** CreateSuccess for an active member. */
  status: string;
}

/** Resource Directory (ResourceManager 2020-03-31): the members, every page read. */
export interface DirectoryApi {
  listAccounts(folderId?: string): Promise<MemberAccount[]>;
}

export interface AsyncInvocation {
  functionName: string;
  payload: string;
  /** x-fc-async-task-id: the same id twice is refused (409), so a re-dispatch is harmless. */
  taskId: string;
}

export type InvokeOutcome =
  | { status: 'accepted'; requestId: string }
  /** FC refused the task id with 409: this (run, account, policy) was already dispatched. */
  | { status: 'duplicate'; requestId: string };

/** The one invoke port: asynchronous FC 3.0 invocation of a function by name. */
export interface InvokePort {
  invokeAsync(invocation: AsyncInvocation): Promise<InvokeOutcome>;
}
