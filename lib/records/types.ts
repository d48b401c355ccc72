import type * as z from 'zod';
import type {
  AlertRecordSchema,
  ClaimRecordSchema,
  ItemRecordSchema,
  RunRecordSchema,
} from './schema.ts';

/**
 * Log records: what alert rules and `status` read back, inferred from the one schema
 * (schema.ts). SLS contents are strings, so the sinks stringify every value (wire.ts); numbers
 * are numbers here for the engine and tests.
 */
export { AlertKind, Outcome } from './schema.ts';

export type ItemRecord = z.infer<typeof ItemRecordSchema>;
export type RunRecord = z.infer<typeof RunRecordSchema>;
export type AlertRecord = z.infer<typeof AlertRecordSchema>;
export type LogRecord = ItemRecord | RunRecord | AlertRecord;
/** A claim as a log line (the claim board in the records logstore). */
export type ClaimRecord = z.infer<typeof ClaimRecordSchema>;
/** Anything a sink stores. */
export type StoredRecord = LogRecord | ClaimRecord;
