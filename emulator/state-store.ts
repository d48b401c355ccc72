import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const STATE_FILE = 'emulator-state.json';

/**
 * Persists the emulator's state as one JSON file in a folder, written atomically (temp file +
 * rename) and coalesced: many mutations within `debounceMs` cost one write. Another process's
 * write is picked up (by inode and mtime) before the next request, so an emulator and CLI runs that embed
 * one on the same folder see one cloud. Concurrent writers are last-writer-wins.
 */
export class StateStore<T> {
  private readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  /** inode:mtime of the file we last read or wrote; each write is a rename, so a new inode. */
  private known = '';
  private writes = 0;
  private lastWriteMs = 0;

  constructor(
    dir: string,
    private readonly serialize: () => T,
    private readonly deserialize: (state: T) => void,
    private readonly debounceMs = 150,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, STATE_FILE);
  }

  /** Loads the file if present; false when the folder holds no state yet. */
  load(): boolean {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
      this.known = this.stamp();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    this.deserialize(JSON.parse(text) as T);
    return true;
  }

  /** Reloads when another process wrote since we last read or wrote (and we hold no unsaved change). */
  refreshIfChanged(): void {
    if (this.timer !== undefined) return;
    let stamp: string;
    try {
      stamp = this.stamp();
    } catch {
      return;
    }
    // mtime alone misses a write landing in the same file-time tick as ours (a few ms).
    if (stamp !== this.known) this.load();
  }

  markDirty(): void {
    if (this.timer !== undefined) return;
    // A big state (100k snapshots) takes long to write: wait 4× the last write so writing
    // never takes more than a fifth of the time.
    const delay = Math.max(this.debounceMs, this.lastWriteMs * 4);
    this.timer = setTimeout(() => this.writeNow(), delay);
    this.timer.unref();
  }

  private stamp(): string {
    const st = statSync(this.file);
    return `${st.ino}:${st.mtimeMs}`;
  }

  /** Writes pending changes now (on stop, and before answering admin reads in tests). */
  flush(): void {
    if (this.timer === undefined) return;
    this.writeNow();
  }

  /** Unconditional write (after loading a world). */
  writeNow(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const started = performance.now();
    const tmp = `${this.file}.${process.pid}.${++this.writes}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.serialize()));
    renameSync(tmp, this.file);
    this.known = this.stamp();
    this.lastWriteMs = performance.now() - started;
  }
}
