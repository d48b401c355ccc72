import { kmsKeyArn } from '../actions/arn.ts';
import type { ActionSpec } from '../actions/context.ts';
import { required } from '../actions/params.ts';
import { apiTime } from '../ecs/snapshot-view.ts';
import { apiError } from '../protocol/api-error.ts';

/** KMS DescribeKey: succeeds in every key state; an unknown id or alias is Forbidden.KeyNotFound. */
export const describeKey: ActionSpec = {
  mutates: false,
  handle(ctx) {
    const keyId = required(ctx.params, 'KeyId');
    const region = ctx.region;
    const key = region === undefined ? undefined : ctx.model.findKey(region, keyId);
    if (key === undefined || region === undefined) throw apiError('Forbidden.KeyNotFound');
    const arn = kmsKeyArn(region, ctx.model.accountId, key.keyId);
    ctx.authorize('kms:DescribeKey', arn);
    return {
      KeyMetadata: {
        Arn: arn,
        KeyId: key.keyId,
        KeyState: key.state,
        KeySpec: key.spec,
        KeyUsage: 'ENCRYPT/DECRYPT',
        Origin: key.origin,
        ProtectionLevel: 'SOFTWARE',
        CreationDate: apiTime(key.creationDate),
        Creator: ctx.model.accountId,
        Description: key.description,
        DeletionProtection: 'Disabled',
        AutomaticRotation: 'Disabled',
        ...(key.state === 'PendingDeletion' && {
          DeleteDate: apiTime(key.deleteDate ?? ctx.now + 7 * 86_400_000),
        }),
      },
    };
  },
};
