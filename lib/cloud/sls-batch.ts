import type { SlsPutLogsData } from '@alicloud/log';
import type { StoredRecord } from '../records/types.ts';
import { encodeContents } from '../records/wire.ts';

type SlsLog = SlsPutLogsData['logs'][number];

/** PutLogs limits: at most 4096 logs and 3 MB of raw protobuf per request. */
export const SlsBatchLimits = {
  maxLogs: 4096,
  maxBytes: 3 * 1024 * 1024,
} as const;

/**
 * One record as an SLS log: its contents by the records' schema (lib/records/wire.ts: strings,
 * counts as JSON, absent fields left out). The record's `time` (ISO) becomes the log timestamp
 * (seconds + the nanosecond part) and also stays a field, so a reader gets the exact value back.
 */
export function toSlsLog(record: StoredRecord, now: () => Date = () => new Date()): SlsLog {
  const content = encodeContents(record);
  const parsed = Date.parse(record.time);
  const ms = Number.isNaN(parsed) ? now().getTime() : parsed;
  return {
    timestamp: Math.floor(ms / 1000),
    timestampNsPart: (ms % 1000) * 1_000_000,
    content,
  };
}

/**
 * Protobuf size of one log, slightly over-estimated (tags and lengths take at most 5 bytes
 * each); used to keep a batch under the byte limit without encoding it twice.
 */
export function estimateLogBytes(log: SlsLog): number {
  let bytes = 16; // Time, TimeNs, the Log's own tag and length
  for (const [key, value] of Object.entries(log.content)) {
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value) + 12;
  }
  return bytes;
}

/** Splits logs into PutLogs-sized batches, order kept. Each log must fit a batch on its own. */
export function splitBatches(
  logs: readonly SlsLog[],
  limits: { maxLogs: number; maxBytes: number } = SlsBatchLimits,
): SlsLog[][] {
  const batches: SlsLog[][] = [];
  let current: SlsLog[] = [];
  let bytes = 0;
  for (const log of logs) {
    const size = estimateLogBytes(log);
    if (
      current.length > 0 &&
      (current.length >= limits.maxLogs || bytes + size > limits.maxBytes)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(log);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
