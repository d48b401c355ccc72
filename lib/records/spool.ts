import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Records the log store would not take, kept where the CLI runs until a later run resends them.
 * One JSON-lines file per policy, bounded: past `maxRecords` the oldest are dropped (and counted)
 * so an outage of weeks cannot fill the disk. Records carry deterministic ids, so a resend that
 * overlaps a write that did land counts once where queries count distinct ids.
 */
export const SPOOL_LIMITS = { maxRecords: 50_000 } as const;

export const SPOOL_DIR_ENV = 'DR_REPLICATOR_SPOOL_DIR';

/**
 * $DR_REPLICATOR_SPOOL_DIR, else <stateHome>/dr-replicator/spool: `stateHome` when given (the
 * function passes /tmp, FC's only writable place), else $XDG_STATE_HOME, else ~/.local/state.
 */
export function spoolDir(env: NodeJS.ProcessEnv, stateHome?: string): string {
  const explicit = env[SPOOL_DIR_ENV];
  if (explicit) return explicit;
  const state = stateHome ?? (env.XDG_STATE_HOME || path.join(homedir(), '.local', 'state'));
  return path.join(state, 'dr-replicator', 'spool');
}

/** Run leases live in the spool folder (lib/ops/run-lease.ts). */
export function leaseDir(env: NodeJS.ProcessEnv): string {
  return path.join(spoolDir(env), '.leases');
}

export type SpooledRecord = Record<string, string>;

export class RecordSpool {
  readonly file: string;
  readonly #maxRecords: number;
  /** Records dropped because the spool was full (this process). */
  dropped = 0;

  get where(): string {
    return this.file;
  }

  constructor(dir: string, policy: string, maxRecords: number = SPOOL_LIMITS.maxRecords) {
    this.file = path.join(dir, `${policy.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`);
    this.#maxRecords = maxRecords;
  }

  async read(): Promise<SpooledRecord[]> {
    const text = await readFile(this.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const out: SpooledRecord[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as SpooledRecord);
      } catch {
        // A line cut by a crash mid-write: the rest of the spool is still good.
      }
    }
    return out;
  }

  /** Adds records (deduplicated by record id), keeping the newest `maxRecords`. */
  async add(records: readonly SpooledRecord[]): Promise<number> {
    const kept = await this.read();
    const seen = new Set(kept.map((r) => r.recordId).filter((id) => id !== undefined));
    for (const record of records) {
      if (record.recordId !== undefined && seen.has(record.recordId)) continue;
      if (record.recordId !== undefined) seen.add(record.recordId);
      kept.push(record);
    }
    const overflow = Math.max(0, kept.length - this.#maxRecords);
    this.dropped += overflow;
    await this.#replace(kept.slice(overflow));
    return kept.length - overflow;
  }

  /** Takes every spooled record out (to resend); what fails again comes back through add(). */
  async take(): Promise<SpooledRecord[]> {
    const records = await this.read();
    if (records.length > 0) await rm(this.file, { force: true });
    return records;
  }

  async #replace(records: readonly SpooledRecord[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    if (records.length === 0) {
      await rm(this.file, { force: true });
      return;
    }
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, records.map((r) => `${JSON.stringify(r)}\n`).join(''), { mode: 0o600 });
    await rename(temp, this.file);
  }
}
