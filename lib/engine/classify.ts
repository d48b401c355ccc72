/**
 * What the engine does about an API error code: ONE table, so every call site and the tests
 * agree. Sources: the CopySnapshot error table (shared seed), reference/alibaba-api.md §2
 * (the full DOC-CS list), the common RPC codes, and DescribeSnapshots / DeleteSnapshot /
 * KMS DescribeKey codes.
 */
export const ErrorClass = {
  /** Transient: back off (full jitter) and retry within this run. */
  RetryNow: 'retry-now',
  /** The item is not ready or is blocked for now: defer, the next run retries it. */
  RetryNextRun: 'retry-next-run',
  /** This item can never be copied as asked: record skipped, move on. */
  SkipItem: 'skip-item',
  /** The destination cannot take copies (KMS, quota, region): stop it, the others go on. */
  StopDestination: 'stop-destination',
  /** The account or credentials cannot go on: abort the run (exit 3). */
  StopRun: 'stop-run',
  /** What we sent is malformed: a bug in the policy or the renderer; the item fails. */
  PolicyBug: 'policy-bug',
} as const;
export type ErrorClass = (typeof ErrorClass)[keyof typeof ErrorClass];

const { RetryNow, RetryNextRun, SkipItem, StopDestination, StopRun, PolicyBug } = ErrorClass;

export const ERROR_CLASSES: Readonly<Record<string, ErrorClass>> = {
  // Throttling and server-side trouble.
  Throttling: RetryNow,
  'Throttling.User': RetryNow,
  'Throttling.Api': RetryNow,
  'Throttling.Resource': RetryNow,
  'Rejected.Throttling': RetryNow,
  ServiceUnavailable: RetryNow,
  SerivceUnavailableTemporary: RetryNow, // sic, KMS
  InternalError: RetryNow,
  InternalFailure: RetryNow,
  UnknownError: RetryNow,
  // Transport failures (lib/cloud/errors.ts): a timeout is an unknown outcome, retried with
  // the same ClientToken so an accepted copy is not made twice.
  RequestTimeout: RetryNow,
  ConnectionReset: RetryNow,
  ConnectionRefused: RetryNow,
  NetworkError: RetryNow,
  InvalidResponse: RetryNow,
  SignatureNonceUsed: RetryNow,

  // Not now, later.
  // Not sent, or given up, because the run's time budget was spent (lib/cloud/call-deadline.ts).
  TimeBudgetExceeded: RetryNextRun,
  'InvalidSnapshotId.NotReady': RetryNextRun,
  'InvalidOperation.UnfinishedCrossRegionCopy': RetryNextRun,
  'InvalidOperation.UnfinishedEncryptedSnapshotCopy': RetryNextRun,
  'InvalidOperation.DiskHasUnfinishedSnapshotCopy': RetryNextRun,
  'InvalidOperation.Conflict': RetryNextRun,
  'Operation.Conflict': RetryNextRun,
  OperationConflict: RetryNextRun,
  'IncorrectDiskStatus.CreatingSnapshot': RetryNextRun,
  'InvalidOperation.RelatedSnapshotNotFinished': RetryNextRun,
  // Same ClientToken, different parameters: a copy for this token exists (accepted earlier,
  // e.g. before a policy edit); the next run's reconcile finds it by its tags.
  IdempotenceParamNotMatch: RetryNextRun,
  IdempotentParameterMismatch: RetryNextRun,

  // This snapshot cannot be copied (or deleted), whatever we do.
  'InvalidSnapshotId.NotFound': SkipItem,
  'InvalidSnapshotId.EncryptedNotSupport': SkipItem,
  'InvalidSnapshotCategory.NotSupportCopy': SkipItem,
  'InvalidSnapshotCategory.NotSupportCrossRegionCopy': SkipItem,
  'InvalidSnapshotCategory.NotSupportEncryptedCopy': SkipItem,
  'InvalidSnapshot.EncryptedNotSupported': SkipItem,
  'InvalidSnapshot.StorageLocationNotSupported': SkipItem,
  'OperationDenied.SnapshotCategoryNotSupportCopy': SkipItem,
  SnapshotCreatedImage: SkipItem,
  SnapshotCreatedDisk: SkipItem,
  // A locked snapshot (DeleteSnapshot, LockSnapshot past cool-off): left as it is.
  'InvalidOperation.CoolOffPeriodExpired': SkipItem,
  'InvalidSnapshotLock.NotFound': SkipItem,
  // Restore drills (CreateDisk, DescribeDisks, DeleteDisk, DescribeZones). A drill records any
  // refusal but a stop-run one as a failed drill; these classes say what else it means.
  'InvalidDiskId.NotFound': SkipItem,
  IncorrectDiskStatus: RetryNextRun,
  'InvalidRegionId.NotFound': StopDestination,
  'InvalidParameter.Encrypted.KmsNotEnabled': StopDestination,
  'InvalidZoneId.NotFound': PolicyBug,
  'InvalidDiskCategory.ValueNotSupported': PolicyBug,
  'InvalidDiskSize.TooSmall': PolicyBug,
  'InvalidDiskSize.NotSupported': PolicyBug,
  'InvalidDiskName.Malformed': PolicyBug,
  'InvalidDiskIds.Malformed': PolicyBug,
  'InvalidParameter.EncryptedIllegal': PolicyBug,
  'InvalidOperation.DeleteSharedSnapshotUnsupported': SkipItem,
  'InvalidOperation.ResourceManagedByCloudProduct': SkipItem,
  'InvalidResourceId.NotFound': SkipItem,

  // The destination cannot take copies: KMS, BYOK, region support, quota.
  'InvalidRegion.NotSupport': StopDestination,
  'InvalidRegionId.NotSupportedEncryptedSnapshotCopy': StopDestination,
  'InvalidRegionId.NotSupportEncryptAlgorithm': StopDestination,
  'InvalidRegionId.NotExists': StopDestination,
  'InvalidOperation.NotSupportCopyInSameRegion': StopDestination,
  'OperationDenied.NonCompliantDestinationRegion': StopDestination,
  'QuotaExceed.SnapshotQuota': StopDestination,
  'InvalidParameter.KmsNotEnabled': StopDestination,
  'InvalidParameter.DataEncryptedKeyCreateFailed': StopDestination,
  'InvalidParameter.KMSKeyId.NotFound': StopDestination,
  'InvalidParameter.KMSKeyId.KMSUnauthorized': StopDestination,
  'InvalidParameter.KMSKeyId.CMKNotEnabled': StopDestination,
  'InvalidParameter.KMSKeyId.CMKUnauthorized': StopDestination,
  'InvalidKMSKeyId.NotSymmetric': StopDestination,
  InvalidEncryptAlgorithm: StopDestination,
  'InvalidEncrypted.NotMatchEncryptAlgorithm': StopDestination,
  'InvalidParameterDestinationStorageLocationArn.Unauthorized': StopDestination,
  'InvalidParameterDestinationStorageLocationArn.RegionNotMatch': StopDestination,
  'InvalidParameterDestinationStorageLocationArn.Malformed': StopDestination,
  'Forbidden.KeyNotFound': StopDestination,
  'Forbidden.AliasNotFound': StopDestination,
  'Forbidden.KmsServiceNotEnabled': StopDestination,
  'Rejected.Disabled': StopDestination,
  'Rejected.PendingDeletion': StopDestination,
  'Forbidden.NoPermission': StopDestination,

  // The account or the credentials: nothing else will work either.
  'InvalidAccountStatus.NotEnoughBalance': StopRun,
  'InvalidAccountStatus.SnapshotServiceUnavailable': StopRun,
  'InvalidUser.NotInWhiteList': StopRun,
  'InvalidOperation.Unauthorized': StopRun,
  'Forbidden.RAM': StopRun,
  Forbidden: StopRun,
  'InvalidAccessKeyId.NotFound': StopRun,
  'InvalidAccessKeyId.Inactive': StopRun,
  SignatureDoesNotMatch: StopRun,
  IncompleteSignature: StopRun,
  InvalidSecurityToken: StopRun,
  'InvalidSecurityToken.Expired': StopRun,
  'InvalidSecurityToken.Malformed': StopRun,
  'InvalidSecurityToken.MismatchWithAccessKey': StopRun,
  'InvalidTimeStamp.Format': StopRun,
  // The request time is more than 15 minutes off the API's: every call would fail alike, so
  // the run stops once with the measured skew instead of failing call by call.
  'InvalidTimeStamp.Expired': StopRun,
  IllegalTimestamp: StopRun,

  // What we sent is wrong: a bug in the policy or in our rendering.
  'Duplicate.TagKey': PolicyBug,
  'InvalidTagKey.Malformed': PolicyBug,
  'InvalidTagValue.Malformed': PolicyBug,
  'InvalidRegionId.MalFormed': PolicyBug,
  'InvalidParameter.Arns': PolicyBug,
  'InvalidSnapshotName.Malformed': PolicyBug,
  'InvalidDescription.Malformed': PolicyBug,
  'InvalidRetentionDays.Malformed': PolicyBug,
  'InvalidEncrypted.NotMatchKmsKeyId': PolicyBug,
  'InvalidEncrypted.NotSupportDecrypt': PolicyBug,
  MissingParameter: PolicyBug,
  InvalidParameter: PolicyBug,
  UnsupportedParameter: PolicyBug,
  InvalidAction: PolicyBug,
  'InvalidApi.NotFound': PolicyBug,
  'InvalidTag.Mismatch': PolicyBug,
  InvalidTagCount: PolicyBug,
  'InvalidSnapshotIds.Malformed': PolicyBug,
  'InvalidSnapshotCategory.Malformed': PolicyBug,
  'InvalidFilterKey.NotFound': PolicyBug,
  InvalidFilterValue: PolicyBug,
  InvalidUsage: PolicyBug,
  InvalidSourceDiskType: PolicyBug,
  'InvalidStatus.NotFound': PolicyBug,
  'InvalidSnapshotType.NotFound': PolicyBug,
  'InvalidSnapshotLinkId.NotFound': PolicyBug,
  InvalidVersion: PolicyBug,
  DryRunOperation: PolicyBug,
  'InvalidNextToken.Malformed': PolicyBug,
  'InvalidResourceType.NotSupported': PolicyBug,
  'InvalidClientToken.ValueNotSupported': PolicyBug,
};

/**
 * The class of an error code. Unknown codes: 5xx and throttling-looking codes retry (as
 * terraform-provider-alicloud does), other unknown codes fail the item loudly (PolicyBug).
 */
export function classify(code: string, httpStatus?: number): ErrorClass {
  const known = ERROR_CLASSES[code];
  if (known) return known;
  if (/^Throttling/i.test(code)) return RetryNow;
  if (httpStatus !== undefined && httpStatus >= 500) return RetryNow;
  return PolicyBug;
}

export function isKnownErrorCode(code: string): boolean {
  return Object.hasOwn(ERROR_CLASSES, code);
}

/** Throttling codes back off from a longer base delay than other transient errors. */
export function isThrottling(code: string): boolean {
  return /^Throttling/i.test(code) || code === 'Rejected.Throttling';
}
