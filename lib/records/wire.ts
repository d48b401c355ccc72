import * as z from 'zod';
import { toSafeJson } from '../terminal-safe.ts';
import { StoredRecordSchema } from './schema.ts';
import type { StoredRecord } from './types.ts';

/**
 * How a record field is stored and read back. SLS contents are all strings; a JSON-lines file
 * keeps numbers and objects. The kind comes from the field's type in the one schema, so the
 * encoder (the SLS sink) and the decoder (status, the claim board) cannot disagree.
 */
export const FieldKind = {
  Text: 'text',
  Number: 'number',
  Flag: 'flag',
  /** An object of counts (totals, apiCalls): JSON text in SLS. */
  Counts: 'counts',
} as const;
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

/** The kind of one field of an object schema (optional wrappers looked through). */
function fieldKind(schema: z.ZodType): FieldKind {
  let inner: z.ZodType = schema;
  while (inner instanceof z.ZodExactOptional || inner instanceof z.ZodOptional) {
    inner = inner.unwrap() as z.ZodType;
  }
  if (inner instanceof z.ZodNumber) return FieldKind.Number;
  if (inner instanceof z.ZodBoolean) return FieldKind.Flag;
  if (inner instanceof z.ZodRecord || inner instanceof z.ZodObject) return FieldKind.Counts;
  return FieldKind.Text;
}

/** Field kinds of every stored record kind, by field name (the union's members agree). */
const KINDS: ReadonlyMap<string, FieldKind> = new Map(
  StoredRecordSchema.options.flatMap((option) =>
    Object.entries(option.shape).map(([key, field]) => [key, fieldKind(field as z.ZodType)]),
  ),
);

/**
 * One record as SLS contents, fields in the record's own order: text as is, numbers and flags
 * as their string (`dryRun: "true"`, `attempts: "3"`), counts as JSON text; absent fields are
 * left out.
 */
export function encodeContents(record: StoredRecord): Record<string, string> {
  const content: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || value === null) continue;
    content[key] = encodeField(KINDS.get(key), value);
  }
  return content;
}

function encodeField(kind: FieldKind | undefined, value: unknown): string {
  switch (kind) {
    case FieldKind.Counts:
      return JSON.stringify(value);
    case FieldKind.Text:
    case FieldKind.Number:
    case FieldKind.Flag:
      return String(value);
    default:
      // Not in the schema: the same rule by the value's own type.
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/**
 * One record as a JSON line (the file and stdout sinks): the schema's own types, numbers as
 * numbers; text that could steer a terminal is escaped (status and `tail` show these lines).
 */
export function encodeJsonLine(record: StoredRecord): string {
  return `${toSafeJson(record)}\n`;
}

/**
 * A stored field back in its schema type, from either form (SLS strings or JSON values);
 * undefined when it is absent, empty or not of that type.
 */
export function decodeField(kind: FieldKind, value: unknown): unknown {
  switch (kind) {
    case FieldKind.Text:
      return text(value);
    case FieldKind.Number:
      return number(value);
    case FieldKind.Flag:
      return value === undefined ? undefined : String(value) === 'true';
    case FieldKind.Counts:
      return counts(value);
  }
}

/**
 * The fields of `shape` read from `raw`, in the shape's order, absent ones left out: the input
 * for the schema's own parse, which then judges the record.
 */
export function decodeFields(
  shape: Record<string, z.ZodType>,
  raw: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const value = decodeField(fieldKind(field), raw[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function number(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Totals and API call counts: an object, or its JSON text as SLS stores it. */
function counts(value: unknown): Record<string, number> {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return {};
    }
  }
  if (!isObject(parsed)) return {};
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(parsed)) {
    const n = number(v);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
