import type { CloudModel } from '../model/cloud-model.ts';

/** Everything an action handler may touch for one call. */
export interface ActionContext {
  model: CloudModel;
  /** Virtual epoch ms of this call. */
  now: number;
  params: Readonly<Record<string, string>>;
  requestId: string;
  /** The region the call is logged and throttled under; a handler may refine it. */
  region: string | undefined;
  /** Random source for ids and fault decisions (seedable for reproducible runs). */
  random: () => number;
  /**
   * Enforces the RAM policy for `action` on `resource`; throws Forbidden.RAM. `resourceTags`
   * (the snapshot's tags) feed `acs:ResourceTag/<key>` conditions.
   */
  authorize(
    action: string,
    resource: string,
    resourceTags?: Readonly<Record<string, string>>,
  ): void;
  /** Probability that a new copy ends `failed` (fault injection). */
  copyFailureRate: number;
  /** Probability that a disk made from a snapshot fails to restore (fault injection). */
  restoreFailureRate: number;
}

export type ActionResult = Record<string, unknown>;

export interface ActionSpec {
  handle(ctx: ActionContext): ActionResult;
  /** Whether a successful call changes persisted state. */
  mutates: boolean;
}

/** ECS and KMS RPC versions the emulator serves; requests are routed by Version. */
export const ApiVersion = {
  Ecs: '2014-05-26',
  Kms: '2016-01-20',
} as const;
