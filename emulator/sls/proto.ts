import protobuf from 'protobufjs';

/**
 * The PutLogs body schema, copied from the sls.proto that @alicloud/log ships (kept inline so
 * the emulator does not read files out of another package's folder).
 */
const SLS_PROTO = `
syntax = "proto2";
package sls;
message Log {
  required uint32 Time = 1;
  message Content {
    required string Key = 1;
    required string Value = 2;
  }
  repeated Content Contents = 2;
  optional fixed32 TimeNs = 4;
}
message LogTag {
  required string Key = 1;
  required string Value = 2;
}
message LogGroup {
  repeated Log Logs = 1;
  optional string Reserved = 2;
  optional string Topic = 3;
  optional string Source = 4;
  repeated LogTag LogTags = 6;
}
`;

export interface WireLogGroup {
  Logs: { Time: number; TimeNs?: number; Contents: { Key: string; Value: string }[] }[];
  Topic?: string;
  Source?: string;
  LogTags: { Key: string; Value: string }[];
}

const LogGroup = protobuf.parse(SLS_PROTO).root.lookupType('sls.LogGroup');

/** Throws when the bytes are not a LogGroup (a required field missing, a bad wire type...). */
export function decodeLogGroup(bytes: Uint8Array): WireLogGroup {
  const message = LogGroup.decode(bytes);
  return LogGroup.toObject(message, { arrays: true, defaults: false }) as WireLogGroup;
}

/** Used by tests and tools that post LogGroups without @alicloud/log. */
export function encodeLogGroup(group: WireLogGroup): Uint8Array {
  return LogGroup.encode(LogGroup.fromObject(group)).finish();
}
