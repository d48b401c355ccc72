import * as z from 'zod';
import {
  AlertRecordSchema,
  ClaimRecordSchema,
  ItemRecordSchema,
  RunRecordSchema,
} from './schema.ts';
import type { AlertRecord, ClaimRecord, ItemRecord, LogRecord, RunRecord } from './types.ts';
import { decodeField, decodeFields, FieldKind, isObject } from './wire.ts';

/**
 * What status reads back: the contract without `dryRun` (a rehearsal's records are not read
 * back) and `recordId` (status counts by its own keys). A run's totals may name outcomes this
 * version does not know (a newer writer): kept as counts, as they were stored.
 */
const readItem = ItemRecordSchema.omit({ dryRun: true, recordId: true });
const readRun = RunRecordSchema.omit({ dryRun: true, recordId: true }).extend({
  totals: z.record(z.string(), z.number()),
});
const readAlert = AlertRecordSchema.omit({ dryRun: true, recordId: true });
/** A claim's time is the log's: not needed to judge the claim. */
const readClaim = ClaimRecordSchema.omit({ time: true });

/**
 * Reads a record back from the log store. SLS contents are all strings and a JSON-lines file
 * may hold numbers and objects, so every field is accepted in either form. A line that is not
 * one of our records (another writer, a truncated line, an unknown outcome or alert) yields
 * undefined and is ignored, and so does a dry run's record (`dryRun: "true"`): a rehearsal is
 * neither a run nor an alert. Fields an old writer left out read as empty or zero.
 */
export function parseLogRecord(raw: Record<string, unknown>): LogRecord | undefined {
  if (String(raw.dryRun) === 'true') return undefined;
  switch (raw.kind) {
    case 'item': {
      const fields = decodeFields(readItem.shape, raw);
      withTime(fields, raw);
      fields.sourceRegion ??= '';
      fields.diskId ??= '';
      fields.attempts ??= 0;
      fields.durationMs ??= 0;
      fields.message ??= '';
      return judged<ItemRecord>(readItem, fields);
    }
    case 'run': {
      const fields = decodeFields(readRun.shape, raw);
      withTime(fields, raw);
      fields.finishedAt ??= fields.time;
      fields.startedAt ??= fields.finishedAt;
      fields.durationMs ??= 0;
      fields.exitCode ??= 0;
      fields.message ??= '';
      return judged<RunRecord>(readRun, fields);
    }
    case 'alert': {
      const fields = decodeFields(readAlert.shape, raw);
      withTime(fields, raw);
      fields.message ??= '';
      return judged<AlertRecord>(readAlert, fields);
    }
    default:
      return undefined;
  }
}

/** Parses one JSON line; undefined when it is not a JSON object or not a record. */
export function parseLogLine(line: string): LogRecord | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isObject(value) ? parseLogRecord(value) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A claim line read back from the logstore; undefined unless it is a claim with a scope, a
 * holder and finite times. An empty group is the holder's own; an absent release flag is false.
 */
export function parseClaimRecord(
  raw: Record<string, unknown>,
): Omit<ClaimRecord, 'time'> | undefined {
  if (raw.kind !== 'claim') return undefined;
  const fields = decodeFields(readClaim.shape, raw);
  fields.group ??= fields.holder;
  fields.released ??= false;
  return judged<Omit<ClaimRecord, 'time'>>(readClaim, fields);
}

/** An old run record may lack `time`: its finishedAt is when it was made. */
function withTime(fields: Record<string, unknown>, raw: Record<string, unknown>): void {
  if (fields.time !== undefined) return;
  const finishedAt = decodeField(FieldKind.Text, raw.finishedAt);
  if (finishedAt !== undefined) fields.time = finishedAt;
}

function judged<T>(schema: z.ZodType, fields: Record<string, unknown>): T | undefined {
  const result = schema.safeParse(fields);
  return result.success ? (result.data as T) : undefined;
}
