import { ReplicatorError } from '../errors.ts';

/** The alert webhook could not be reached or refused the message after every attempt. */
export class WebhookDeliveryError extends ReplicatorError {}

/** Stable codes for the errors raised under lib/ops. */
export const OpsErrorCode = {
  WebhookRejected: 'WebhookRejected',
  WebhookUnreachable: 'WebhookUnreachable',
  StatusUnavailable: 'StatusUnavailable',
} as const;
export type OpsErrorCode = (typeof OpsErrorCode)[keyof typeof OpsErrorCode];

/** Reading copies or records for `status` failed; the report would be a guess. */
export class StatusUnavailableError extends ReplicatorError {}
