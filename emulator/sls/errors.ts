/**
 * SLS wire errors: HTTP status + `{errorCode, errorMessage}` JSON, as the real service answers
 * (Simple Log Service "Error codes" and the PutLogs / GetLogs pages). One factory, so every
 * handler returns the same code for the same fault.
 */
export class SlsApiError extends Error {
  readonly status: number;
  readonly errorCode: string;

  constructor(status: number, errorCode: string, message: string) {
    super(message);
    this.name = 'SlsApiError';
    this.status = status;
    this.errorCode = errorCode;
  }
}

export const SlsErrors = {
  missingDate: () => new SlsApiError(400, 'MissingDate', 'Date does not exist in http header.'),
  invalidDate: (date: string) =>
    new SlsApiError(400, 'InvalidDateFormat', `Date ${date} must follow RFC822.`),
  requestTimeExpired: (date: string, server: Date) =>
    new SlsApiError(
      400,
      'RequestTimeExpired',
      `Request time ${date} has been expired while server time is ${server.toUTCString()}.`,
    ),
  missingApiVersion: () =>
    new SlsApiError(400, 'MissingAPIVersion', 'x-log-apiversion does not exist in http header.'),
  invalidApiVersion: (v: string) =>
    new SlsApiError(400, 'InvalidAPIVersion', `x-log-apiversion ${v} is unsupported.`),
  invalidHost: (host: string) =>
    new SlsApiError(400, 'InvalidHost', `Host header ${host} is invalid.`),
  missingAuthorization: () =>
    new SlsApiError(401, 'Unauthorized', 'Authorization does not exist in http header.'),
  invalidAuthorization: () =>
    new SlsApiError(
      400,
      'ParameterInvalid',
      'Http extend authorization : authorization pair is invalid.',
    ),
  unauthorized: () => new SlsApiError(401, 'Unauthorized', 'The AccessKeyId is unauthorized.'),
  // The RAM policy of the caller does not grant the action on the logstore.
  deniedByRam: (action: string, resource: string) =>
    new SlsApiError(
      401,
      'Unauthorized',
      `denied by sts or ram, action: ${action}, resource: ${resource}`,
    ),
  // The real service echoes the signature it received; the product's adapter must strip it.
  signatureNotMatch: (signature: string) =>
    new SlsApiError(401, 'SignatureNotMatch', `signature ${signature} not match`),
  invalidContentType: (type: string) =>
    new SlsApiError(400, 'InvalidContentType', `Content-Type ${type} is unsupported.`),
  contentMd5Mismatch: () =>
    new SlsApiError(400, 'PostBodyInvalid', 'content-md5 does not match the request body.'),
  invalidCompressType: (type: string) =>
    new SlsApiError(400, 'InvalidCompressType', `x-log-compresstype ${type} is unsupported.`),
  missingBodyRawSize: () =>
    new SlsApiError(
      400,
      'MissingBodyRawSize',
      'x-log-bodyrawsize does not exist in header when it is necessary.',
    ),
  invalidBodyRawSize: () =>
    new SlsApiError(400, 'InvalidBodyRawSize', 'x-log-bodyrawsize is invalid.'),
  uncompress: () => new SlsApiError(400, 'PostBodyUncompressError', 'Failed to decompress logs.'),
  postBodyInvalid: () =>
    new SlsApiError(400, 'PostBodyInvalid', 'Protobuffer content cannot be parsed.'),
  timeOutOfRange: () =>
    new SlsApiError(400, 'PostBodyInvalid', 'The post data time is out of range.'),
  postBodyTooLarge: () =>
    new SlsApiError(
      400,
      'PostBodyTooLarge',
      'Logs must be less than or equal to 3 MB and 4096 entries.',
    ),
  invalidTimestamp: () =>
    new SlsApiError(400, 'InvalidTimestamp', 'Invalid timestamps are in logs.'),
  invalidKey: (key: string) =>
    new SlsApiError(400, 'InvalidKey', `Invalid keys are in logs: ${JSON.stringify(key)}.`),
  projectNotExist: (project: string) =>
    new SlsApiError(404, 'ProjectNotExist', `The Project does not exist : ${project}`),
  logStoreNotExist: (logstore: string) =>
    new SlsApiError(404, 'LogStoreNotExist', `logstore ${logstore} does not exist`),
  logStoreAlreadyExist: (logstore: string) =>
    new SlsApiError(400, 'LogStoreAlreadyExist', `logstore ${logstore} already exists`),
  parameterInvalid: (message: string) => new SlsApiError(400, 'ParameterInvalid', message),
  methodNotAllowed: (method: string, path: string) =>
    new SlsApiError(405, 'MethodNotAllowed', `${method} ${path} is not supported.`),
  internal: (message: string) => new SlsApiError(500, 'InternalServerError', message),
} as const;
