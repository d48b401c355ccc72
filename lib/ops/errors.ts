import { ReplicatorError } from '../errors.ts';

/** The alert webhook could not be reached or refused the message after every attempt. */
export class WebhookDeliveryError extends ReplicatorError {}

/** Reading copies or records for `status` failed; the report would be a guess. */
export class StatusUnavailableError extends ReplicatorError {}
