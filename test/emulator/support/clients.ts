import Ecs20140526, * as $Ecs from '@alicloud/ecs20140526';
import * as $OpenApi from '@alicloud/openapi-client';
import RPCClient from '@alicloud/pop-core';
import {
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from '../../../emulator/index.ts';

export { $Ecs };

export const ECS_VERSION = '2014-05-26';
export const KMS_VERSION = '2016-01-20';
/** A fixed virtual start so dates in assertions do not depend on the day the suite runs. */
export const START = new Date('2026-06-01T08:00:00Z');

export interface Creds {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** pop-core as the product uses it (signature v1). */
export function popClient(
  emu: RunningEmulator,
  apiVersion = ECS_VERSION,
  creds: Creds = emu.credentials,
) {
  return new RPCClient({
    endpoint: emu.url,
    apiVersion,
    accessKeyId: creds.accessKeyId,
    accessKeySecret: creds.accessKeySecret,
    ...(creds.securityToken !== undefined && { securityToken: creds.securityToken }),
  });
}

/**
 * The class a CJS SDK exports as `default`, wherever the loader put it: vitest hands over the
 * class as the default import, tsx the whole module.exports (class under `default`).
 */
function cjsDefault<T>(imported: unknown): T {
  let value = imported as { default?: unknown } | undefined;
  while (typeof value !== 'function' && value?.default !== undefined) {
    value = value.default as { default?: unknown };
  }
  return value as T;
}

const EcsClientClass = cjsDefault<typeof Ecs20140526.default>(Ecs20140526);
type EcsClient = InstanceType<typeof EcsClientClass>;

/** The official Tea client (ACS3-HMAC-SHA256). */
export function ecsClient(
  emu: RunningEmulator,
  creds: Creds = emu.credentials,
  regionId = 'cn-hangzhou',
): EcsClient {
  return new EcsClientClass(
    new $OpenApi.Config({
      accessKeyId: creds.accessKeyId,
      accessKeySecret: creds.accessKeySecret,
      ...(creds.securityToken !== undefined && { securityToken: creds.securityToken }),
      endpoint: `127.0.0.1:${emu.port}`,
      protocol: 'http',
      regionId,
    }),
  );
}

const OpenApiClientClass = cjsDefault<typeof $OpenApi.default.default>($OpenApi);

/** The generic Tea client (ACS3) for actions no product SDK here covers, such as KMS. */
export function openApiClient(emu: RunningEmulator, regionId: string) {
  return new OpenApiClientClass(
    new $OpenApi.Config({
      ...emu.credentials,
      endpoint: `127.0.0.1:${emu.port}`,
      protocol: 'http',
      regionId,
    }),
  );
}

/** pop-core's error for a rejected call: code, and the parsed envelope in `data`. */
export interface PopError {
  code: string;
  data: { RequestId: string; HostId: string; Code: string; Message: string; Recommend: string };
  entry: { response: { statusCode: number } };
  message: string;
}

/** Runs a pop-core call expected to fail; returns its error (fails the test if it succeeds). */
export async function popFailure(promise: Promise<unknown>): Promise<PopError> {
  try {
    await promise;
  } catch (error) {
    return error as PopError;
  }
  throw new Error('expected the call to fail');
}

/** Same for the Tea client: code and HTTP status. */
export async function teaFailure(
  promise: Promise<unknown>,
): Promise<{ code: string; statusCode: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; statusCode: number; message: string };
  }
  throw new Error('expected the call to fail');
}

export function start(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ world: 'demo', startTime: START, speed: 0, seed: 7, ...opts });
}

/** Demo snapshots of a region matching `pick`, from the admin view. */
export function demoSnapshot(
  emu: RunningEmulator,
  region: string,
  pick: (s: ReturnType<RunningEmulator['admin']['snapshots']>[number]) => boolean = () => true,
) {
  const found = emu.admin
    .snapshots(region)
    .find((s) => s.status === 'accomplished' && s.category === 'standard' && pick(s));
  if (found === undefined) throw new Error(`no demo snapshot in ${region} for this test`);
  return found;
}
