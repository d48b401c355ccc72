import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { LogTarget } from '../policy/schema.ts';
import type { ClaimStore, Credentials, LogSink } from '../ports.ts';
import type { LogRecord } from '../records/types.ts';
import { encodeJsonLine } from '../records/wire.ts';

/**
 * JSON lines on stdout. Written with process.stdout.write, not console.log: FC patches the
 * global console with its own prefixes, which would break one-record-per-line parsing.
 */
export function createStdoutSink(
  write: (text: string) => unknown = (text) => process.stdout.write(text),
): LogSink {
  return {
    async write(records: LogRecord[]) {
      if (records.length > 0) write(toJsonLines(records));
    },
    async close() {},
  };
}

/** JSON lines appended to a file (created with its folder if missing). */
export function createFileSink(path: string): LogSink {
  let ready: Promise<unknown> | undefined;
  return {
    async write(records: LogRecord[]) {
      if (records.length === 0) return;
      ready ??= mkdir(dirname(path), { recursive: true });
      await ready;
      await appendFile(path, toJsonLines(records), 'utf8');
    },
    async close() {},
  };
}

/** Collects records in memory: plan previews and tests. */
export class MemorySink implements LogSink {
  readonly records: LogRecord[] = [];
  closed = false;

  async write(records: LogRecord[]): Promise<void> {
    this.records.push(...records);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export function toJsonLines(records: LogRecord[]): string {
  return records.map(encodeJsonLine).join('');
}

export interface SinkOptions {
  credentials: Credentials;
  /** DR_REPLICATOR_ENDPOINT: the emulator serves SLS too. */
  endpoint?: string | undefined;
  /** Base for a relative file path (the policy file's folder or the cwd). */
  baseDir?: string | undefined;
  /** SLS only: the contents of each record dropped after its retries (see SlsSinkOptions). */
  onDropped?: ((records: Record<string, string>[]) => void) | undefined;
}

/** The sink a policy's `log` section asks for. */
export async function createSink(target: LogTarget, options: SinkOptions): Promise<LogSink> {
  switch (target.type) {
    case 'stdout':
      return createStdoutSink();
    case 'file':
      return createFileSink(resolve(options.baseDir ?? process.cwd(), target.path));
    case 'sls': {
      // Loaded on demand: the @alicloud/log client is only needed when records go to SLS.
      const { createSlsSink } = await import('./sls.ts');
      return createSlsSink({
        project: target.project,
        logstore: target.logstore,
        region: target.region,
        credentials: options.credentials,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.onDropped
          ? { onDropped: (logs) => options.onDropped?.(logs.map((log) => log.content)) }
          : {}),
      });
    }
  }
}

/**
 * The claim store runs coordinate through (the run lease, the CopySnapshot quota share): the
 * policy's SLS logstore, the one place every deployment of the policy writes. Other log targets
 * have no shared store: undefined.
 */
export function createClaimStore(
  target: LogTarget,
  options: Pick<SinkOptions, 'credentials' | 'endpoint'>,
): ClaimStore | undefined {
  if (target.type !== 'sls') return undefined;
  // Loaded on first use, as the sink is: @alicloud/log only for SLS policies.
  const store = import('./sls-claim-store.ts').then(({ createSlsClaimStore }) =>
    createSlsClaimStore({
      project: target.project,
      logstore: target.logstore,
      region: target.region,
      credentials: options.credentials,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    }),
  );
  return {
    put: async (claim) => (await store).put(claim),
    read: async (scope, since, until) => (await store).read(scope, since, until),
  };
}
