import type { KmsApi, KmsKey } from '../ports.ts';
import type { RpcCaller } from './rpc.ts';

export const KMS_API_VERSION = '2016-01-20';

interface DescribeKeyBody {
  RequestId?: unknown;
  KeyMetadata?: {
    KeyId?: unknown;
    Arn?: unknown;
    KeyState?: unknown;
    KeySpec?: unknown;
    Origin?: unknown;
  };
}

/** KmsApi over the RPC protocol (pop-core). */
export function createKmsApi(rpc: RpcCaller): KmsApi {
  return {
    async describeKey(regionId: string, keyId: string): Promise<KmsKey & { requestId: string }> {
      const body = await rpc.call<DescribeKeyBody>(regionId, 'DescribeKey', {
        // The endpoint picks the region; RegionId is sent too (as the aliyun CLI does) so one
        // emulator endpoint can serve every region.
        RegionId: regionId,
        KeyId: keyId,
      });
      const meta = body.KeyMetadata ?? {};
      return {
        keyId: String(meta.KeyId ?? keyId),
        arn: String(meta.Arn ?? ''),
        keyState: String(meta.KeyState ?? ''),
        keySpec: String(meta.KeySpec ?? ''),
        origin: String(meta.Origin ?? ''),
        requestId: String(body.RequestId ?? ''),
      };
    },
  };
}
