import { redactSecrets } from '../../lib/cloud/errors.ts';

/**
 * Structured log lines for FC: one JSON object per line on stdout, which FC ships to the
 * function's logstore. Written with process.stdout.write because FC's patched console prefixes
 * every line with time, request id and level, and the line would no longer parse as JSON.
 * Fixed keys (Powertools style) so one query reads every invocation.
 */
export const LogLevel = { Info: 'INFO', Warn: 'WARN', Error: 'ERROR' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export type LogFields = Record<string, string | number | boolean | undefined | object>;

export interface JsonLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface JsonLoggerOptions {
  /** Correlation id: the FC request id, which is also the run id. */
  requestId: string;
  functionName?: string | undefined;
  write?: (line: string) => void;
  now?: () => Date;
}

export function createJsonLogger(options: JsonLoggerOptions): JsonLogger {
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const log = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    const line = {
      timestamp: now().toISOString(),
      level,
      message,
      requestId: options.requestId,
      ...(options.functionName === undefined ? {} : { function: options.functionName }),
      ...fields,
    };
    write(`${JSON.stringify(redactDeep(line))}\n`);
  };
  return {
    info: (message, fields) => log(LogLevel.Info, message, fields),
    warn: (message, fields) => log(LogLevel.Warn, message, fields),
    error: (message, fields) => log(LogLevel.Error, message, fields),
  };
}

/** FC log lines stay readable even when a hostile event is quoted into a message. */
const MAX_FIELD_CHARS = 4096;

/**
 * Field values may carry SDK error messages (signed URLs): every string is scrubbed, and
 * clipped so one field cannot turn a log line into megabytes.
 */
function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') {
    const clean = redactSecrets(value);
    return clean.length <= MAX_FIELD_CHARS
      ? clean
      : `${clean.slice(0, MAX_FIELD_CHARS)}... (${clean.length} chars)`;
  }
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)]));
  }
  return value;
}
