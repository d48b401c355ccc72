/**
 * Every code dr-replicator itself writes, in one table: the `code` of its error classes, the
 * `errorCode` of its records and alerts. Cloud service codes (Throttling.User, Forbidden.RAM,
 * ...) are the cloud's; lib/engine/classify.ts decides what each means for a run. The values
 * are a public contract (alert rules, operators' log queries): add codes, never rename one.
 */
export const Code = {
  // ---- Input: the operator must fix something (exit 2) ------------------------------------
  /** A policy file fails validation (file:line:col problems in the message). */
  PolicyInvalid: 'PolicyInvalid',
  ScheduleInvalid: 'ScheduleInvalid',
  /** An organisation file fails validation. */
  OrgInvalid: 'OrgInvalid',
  InvalidRunId: 'InvalidRunId',
  /** No AccessKey, STS token or FC credentials where the command runs. */
  MissingCredentials: 'MissingCredentials',
  /** An FC event that is not a timer or invoke payload this function understands. */
  EventMalformed: 'Event.Malformed',
  WebhookEnvMissing: 'WebhookEnvMissing',
  OrgNotConfigured: 'OrgNotConfigured',
  InvalidAccounts: 'InvalidAccounts',
  OrgTargetUnknown: 'Org.TargetUnknown',
  ServiceFileInvalid: 'ServiceFile.Invalid',
  WorldNotFound: 'WorldNotFound',
  /** An emulator world file that fails validation. */
  InvalidWorld: 'InvalidWorld',
  /** `org run --concurrency` outside its range. */
  InvalidConcurrency: 'InvalidConcurrency',
  /** Two policies `serve` schedules share a name (their leases and records would collide). */
  DuplicatePolicyName: 'DuplicatePolicyName',
  OutFileFailed: 'OutFile.Failed',
  OutFileSymlink: 'OutFile.Symlink',
  OutFileNotAFile: 'OutFile.NotAFile',

  // ---- Items: why one (snapshot, destination) pair was not copied ---------------------------
  /** The destination's KMS key is not Enabled: copies there stop before any is sent. */
  KmsKeyNotEnabled: 'KmsKeyNotEnabled',
  KmsKeyNotSymmetric: 'KmsKeyNotSymmetric',
  /** An encrypted source and a destination without kmsKeyId: CopySnapshot would refuse it. */
  EncryptedSourceWithoutKey: 'PolicyError.EncryptedSourceWithoutKey',
  /** A snapshot category ECS cannot copy. */
  UncopyableCategory: 'UncopyableCategory',
  /** A copy (ours, another policy's, or another mechanism's): never a source. */
  NotASourceIsACopy: 'NotASource.IsACopy',
  /** Carries dr-replicator tags: the loop guard. */
  NotASourceLoopGuard: 'NotASource.LoopGuard',
  /** ECS reports the copy failed. */
  CopyFailed: 'CopyFailed',
  /** A copy's provenance tags disagree with what ECS reports it was copied from. */
  ProvenanceMismatch: 'ProvenanceMismatch',
  /** A snapshot with this policy's tags that ECS does not report as a copy (made by hand). */
  NotACopy: 'NotACopy',
  /** CopySnapshot kept answering with ids the destination does not list. */
  PhantomCopy: 'PhantomCopy',
  /** A restore drill's disk still comes from this copy: it is pruned next run. */
  DrillDiskPresent: 'DrillDiskPresent',
  /** A restore drill's disk could not be made from the copy or never became Available. */
  RestoreFailed: 'RestoreFailed',
  /** DescribeZones lists no zone in the destination: no drill disk can be made. */
  NoZone: 'NoZone',

  // ---- Runs: why a run or a destination stopped ---------------------------------------------
  TimeBudgetExceeded: 'TimeBudgetExceeded',
  /** SIGINT/SIGTERM: in-flight calls finished, no new copies. */
  RunStopped: 'RunStopped',
  /** Another run of the policy holds the lease: this one did nothing. */
  Yielded: 'Yielded',
  /** The service handed back a NextToken it had already given in this listing. */
  NextTokenLoop: 'NextTokenLoop',
  Unexpected: 'Unexpected',
  HandlerUnexpected: 'Handler.Unexpected',

  // ---- Transport: the call never got a service answer ---------------------------------------
  RequestTimeout: 'RequestTimeout',
  ConnectionReset: 'ConnectionReset',
  ConnectionRefused: 'ConnectionRefused',
  InvalidResponse: 'InvalidResponse',
  NetworkError: 'NetworkError',

  // ---- Records, alerts and status ------------------------------------------------------------
  LogSinkFailed: 'LogSinkFailed',
  RecordWriteFailed: 'RecordWriteFailed',
  /** Records the log store refused are kept (spool or function log) for the next run: exit 1. */
  RecordsPending: 'RecordsPending',
  /** The log store refused records; posted to the webhook, records kept and resent. */
  LogStoreUnavailable: 'LogStoreUnavailable',
  WebhookRejected: 'WebhookRejected',
  WebhookUnreachable: 'WebhookUnreachable',
  StatusUnavailable: 'StatusUnavailable',
  /** The organisation's role in a member account could not be assumed. */
  AssumeRoleFailed: 'AssumeRoleFailed',

  // ---- Build and deploy tooling ---------------------------------------------------------------
  BuildFailed: 'Build.Failed',
  BuildCliFailed: 'Build.CliFailed',
  BuildSlsProtoNotInlined: 'Build.SlsProtoNotInlined',
} as const;

export type Code = (typeof Code)[keyof typeof Code];
