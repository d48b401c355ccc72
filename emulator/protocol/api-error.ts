/**
 * An error the emulator answers on the wire: HTTP status + service error code + message, sent
 * in the RPC envelope {RequestId, HostId, Code, Message, Recommend}. Built only through
 * `apiError(code)` so each code has one status and one message (Azurite's error factory).
 */
export class ApiError extends Error {
  readonly httpStatus: number;
  /** The service error code sent as `Code`. */
  readonly code: string;

  constructor(httpStatus: number, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.httpStatus = httpStatus;
    this.code = code;
  }
}

/**
 * Every code the emulator can produce, with the status and message of the Alibaba docs
 * (CopySnapshot seed table, DescribeSnapshots, common RPC codes). Where sources disagree on a
 * status, the official API reference page wins.
 */
export const ERROR_CATALOG = {
  // Common RPC / authentication
  MissingParameter: [
    400,
    'The input parameter "%s" that is mandatory for processing this request is not supplied.',
  ],
  InvalidParameter: [400, 'The specified parameter "%s" is not valid.'],
  UnsupportedParameter: [400, 'The parameter "%s" is not supported by the emulator.'],
  IncompleteSignature: [400, 'The request signature does not conform to Aliyun standards.'],
  SignatureDoesNotMatch: [403, 'Specified signature is not matched with our calculation.'],
  'InvalidAccessKeyId.NotFound': [404, 'Specified access key is not found.'],
  'InvalidTimeStamp.Expired': [400, 'Specified time stamp or date value is expired.'],
  'InvalidTimeStamp.Format': [400, 'Specified time stamp or date value is not well formatted.'],
  SignatureNonceUsed: [400, 'Specified signature nonce was used already.'],
  'InvalidSecurityToken.Expired': [400, 'Specified SecurityToken is expired.'],
  'InvalidSecurityToken.MismatchWithAccessKey': [
    400,
    'Specified SecurityToken mismatch with the AccessKey.',
  ],
  'InvalidApi.NotFound': [404, 'Specified api is not found, please check your url and method.'],
  InvalidVersion: [400, 'Specified parameter Version is not valid.'],
  'Forbidden.RAM': [
    403,
    'User not authorized to operate on the specified resource, or this API does not support RAM.',
  ],
  'Throttling.User': [400, 'Request was denied due to user flow control.'],
  InternalError: [
    500,
    'The request processing has failed due to some unknown error, exception or failure.',
  ],
  ServiceUnavailable: [503, 'The request has failed due to a temporary failure of the server.'],
  DryRunOperation: [400, 'Request validation has been passed with DryRun flag set.'],
  'InvalidClientToken.ValueNotSupported': [400, 'The ClientToken provided is invalid.'],
  IdempotenceParamNotMatch: [
    400,
    'Request uses a client token in a previous request but is not identical to that request.',
  ],

  // CopySnapshot: seed table
  'Duplicate.TagKey': [400, 'The Tag.N.Key contain duplicate key.'],
  'InvalidTagKey.Malformed': [400, 'The specified Tag.n.Key is not valid.'],
  'InvalidTagValue.Malformed': [400, 'The specified Tag.n.Value is not valid.'],
  'InvalidRegionId.MalFormed': [400, 'The specified RegionId is not valid.'],
  'InvalidSnapshotId.NotFound': [403, 'The specified snapshot is not exists.'],
  'InvalidUser.NotInWhiteList': [403, 'The user is not in the white list of copying snapshot.'],
  'InvalidAccountStatus.NotEnoughBalance': [403, 'Your account does not have enough balance.'],
  'InvalidAccountStatus.SnapshotServiceUnavailable': [
    403,
    'Snapshot service has not been opened yet.',
  ],
  'InvalidSnapshotId.NotReady': [403, 'The specified snapshot has not completed yet.'],
  'InvalidSnapshotName.Malformed': [403, 'The specified SnapshotName is wrongly formed.'],
  'InvalidDescription.Malformed': [403, 'The specified description is wrongly formed.'],
  'InvalidRetentionDays.Malformed': [403, 'The specified RetentionDays is not valid.'],
  'InvalidRegion.NotSupport': [403, 'The specified region does not support byok.'],
  'InvalidParameter.KMSKeyId.NotFound': [403, 'The specified KMSKeyId does not exist.'],
  'InvalidParameter.KMSKeyId.CMKNotEnabled': [403, 'The CMK needs to be enabled.'],
  'InvalidParameter.KMSKeyId.KMSUnauthorized': [
    403,
    'ECS service have no right to access your KMS.',
  ],
  'QuotaExceed.SnapshotQuota': [
    403,
    'The quota is insufficient, please contact your channel partner to increase the quota.',
  ],
  'InvalidSnapshot.EncryptedNotSupported': [
    403,
    'The current operation does not support the use of encrypted snapshots.',
  ],

  // CopySnapshot: reference table (DOC-CS 2025)
  'InvalidParameter.Arns': [400, 'The specified Arn.N is not valid.'],
  'InvalidSnapshotCategory.NotSupportCopy': [
    403,
    'The specified snapshot category does not support copy.',
  ],
  'InvalidSnapshotCategory.NotSupportCrossRegionCopy': [
    403,
    'The specified snapshot category does not support cross-region copy.',
  ],
  'InvalidOperation.UnfinishedCrossRegionCopy': [
    403,
    'This disk has unfinished cross-region copy snapshots in the target region.',
  ],
  'InvalidOperation.NotSupportCopyInSameRegion': [
    403,
    'The source region and the destination region must differ.',
  ],
  'InvalidRegionId.NotSupportedEncryptedSnapshotCopy': [
    403,
    'The specified region does not support encrypted snapshot copy.',
  ],
  'InvalidRegionId.NotExists': [403, 'The specified DestinationRegionId does not exist.'],
  'InvalidEncrypted.NotMatchKmsKeyId': [403, 'Encrypted must be true when KMSKeyId is specified.'],
  'InvalidEncrypted.NotSupportDecrypt': [
    403,
    'An encrypted snapshot cannot be copied to an unencrypted snapshot.',
  ],
  'InvalidParameter.KmsNotEnabled': [403, 'The KMS service is not enabled.'],
  'InvalidKMSKeyId.NotSymmetric': [403, 'The specified KMS key is not a symmetric key.'],
  'InvalidSnapshot.StorageLocationNotSupported': [
    403,
    'The emulator does not model CloudBox storage locations.',
  ],
  'InvalidOperation.Conflict': [
    409,
    'The request conflicts with a previous request, please try again later.',
  ],

  // DescribeSnapshots
  'InvalidTag.Mismatch': [400, 'The specified Tag.n.Key and Tag.n.Value are not match.'],
  InvalidTagCount: [400, 'The specified tags are beyond the permitted range.'],
  'InvalidSnapshotIds.Malformed': [
    403,
    'The amount of specified specified snapshot Ids exceeds the limit.',
  ],
  'InvalidSnapshotCategory.Malformed': [403, 'The specified Category is not valid.'],
  'InvalidFilterKey.NotFound': [404, 'The specified Filter.N.Key is not valid.'],
  InvalidFilterValue: [404, 'The specified Filter.N.Value is not valid.'],
  InvalidUsage: [404, 'The specified Usage is not valid.'],
  InvalidSourceDiskType: [404, 'The specified SourceDiskType is not valid.'],
  'InvalidStatus.NotFound': [404, 'The specified Status is not valid.'],
  'InvalidSnapshotType.NotFound': [404, 'The specified SnapshotType is not valid.'],
  'InvalidNextToken.Malformed': [400, 'The specified NextToken is not valid.'],
  'InvalidSnapshotLinkId.NotFound': [404, 'The specified snapshot link is not found.'],

  // DeleteSnapshot, TagResources, ListTagResources
  'InvalidResourceType.NotSupported': [400, 'The specified ResourceType is not supported.'],
  'InvalidResourceId.NotFound': [404, 'The specified ResourceIds are not found in our records.'],

  // LockSnapshot, UnlockSnapshot, DescribeLockedSnapshots; DeleteSnapshot of a locked snapshot
  // (no documented code: the nearest documented one, UnlockSnapshot's, see emulator/README.md)
  'InvalidOperation.CoolOffPeriodExpired': [
    403,
    'The snapshot is locked in compliance mode, and the cool-off period has expired. The current operation is not supported.',
  ],
  'InvalidSnapshotLock.NotFound': [404, 'The specified snapshot(s) %s is(are) not locked.'],

  // DeleteSnapshot of a snapshot a disk was created from (without Force)
  SnapshotCreatedDisk: [403, 'The snapshot has been used to create disk(s).'],

  // CreateDisk, DescribeDisks, DeleteDisk, DescribeZones
  'InvalidRegionId.NotFound': [404, 'The specified RegionId does not exist.'],
  'InvalidZoneId.NotFound': [404, 'The specified zone does not exist.'],
  'InvalidDiskCategory.ValueNotSupported': [
    400,
    'The specified parameter "DiskCategory" is not valid.',
  ],
  'InvalidDiskSize.TooSmall': [403, 'Specified disk size is less than the size of snapshot.'],
  'InvalidDiskSize.NotSupported': [400, 'The specified parameter size is not valid.'],
  'InvalidDiskName.Malformed': [400, 'The specified disk name is wrongly formed.'],
  'InvalidParameter.EncryptedIllegal': [
    400,
    'The specified parameter Encrypted must be true when kmsKeyId is not empty.',
  ],
  'InvalidParameter.Encrypted.KmsNotEnabled': [400, 'The encrypted disk need enable KMS'],
  'InvalidDiskIds.Malformed': [400, 'The amount of specified disk Ids exceeds the limit.'],
  'InvalidDiskId.NotFound': [404, 'The specified disk does not exist.'],
  IncorrectDiskStatus: [403, 'The current disk status does not support this operation.'],

  // KMS
  'Forbidden.KeyNotFound': [404, 'The specified Key is not found.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ApiErrorCode = keyof typeof ERROR_CATALOG;

/**
 * The one way to build a wire error. `detail` fills %s or is appended to the message.
 * `httpStatus` only for codes whose status differs by action (InvalidSnapshotId.NotFound is
 * 403 in CopySnapshot but 404 in DeleteSnapshot).
 */
export function apiError(code: ApiErrorCode, detail?: string, httpStatus?: number): ApiError {
  const [catalogStatus, template] = ERROR_CATALOG[code];
  const status = httpStatus ?? catalogStatus;
  let message: string = template;
  if (detail !== undefined) {
    message = template.includes('%s') ? template.replace('%s', detail) : `${template} ${detail}`;
  }
  return new ApiError(status, code, message);
}

/**
 * What the wire answers for a thrown error: the ApiError itself, or, for anything else (an
 * emulator bug), InternalError, logged so the bug is seen.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  console.error('emulator: unexpected error', error);
  return apiError('InternalError');
}
