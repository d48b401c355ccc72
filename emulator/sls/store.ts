import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One stored log, as GetLogs and `SlsService.query` return it. Times in seconds. */
export interface SlsLog {
  time: number;
  timeNs?: number;
  topic: string;
  source: string;
  /** LogTags, plus `__receive_time__` the service adds. */
  tags: Record<string, string>;
  contents: Record<string, string>;
  /** Arrival order, to keep logs of the same second in a stable order. */
  seq: number;
}

interface Meta {
  strict: boolean;
  /** project -> logstore -> creation time (s). */
  projects: Record<string, Record<string, number>>;
}

/**
 * Projects, logstores and their logs, in memory, persisted like the ECS state: every change
 * schedules a coalesced write (at most one per `debounceMs`, longer when writes get slow) of
 * `<stateDir>/sls/meta.json` and `<stateDir>/sls/logs/<project>/<logstore>.jsonl`, each
 * rewritten atomically (temp file + rename) and only for logstores changed since the last
 * write, so a crashed emulator loses at most the last moment's logs. `flush` writes now.
 */
export class SlsStore {
  private meta: Meta = { strict: false, projects: {} };
  private logs = new Map<string, SlsLog[]>();
  private dirty = new Set<string>();
  private metaDirty = false;
  private wiped = false;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastWriteMs = 0;

  constructor(
    private readonly stateDir?: string,
    private readonly debounceMs = 150,
  ) {
    if (stateDir !== undefined) this.load(stateDir);
  }

  get strict(): boolean {
    return this.meta.strict;
  }

  setStrict(strict: boolean): void {
    this.meta.strict = strict;
    this.metaDirty = true;
    this.schedule();
  }

  hasProject(project: string): boolean {
    return Object.hasOwn(this.meta.projects, project);
  }

  hasLogstore(project: string, logstore: string): boolean {
    return this.hasProject(project) && Object.hasOwn(this.meta.projects[project]!, logstore);
  }

  logstores(project: string): Record<string, number> {
    return this.meta.projects[project] ?? {};
  }

  createProject(project: string): void {
    if (this.hasProject(project)) return;
    this.meta.projects[project] = {};
    this.metaDirty = true;
    this.schedule();
  }

  createLogstore(project: string, logstore: string, nowSeconds: number): void {
    this.createProject(project);
    const stores = this.meta.projects[project]!;
    if (Object.hasOwn(stores, logstore)) return;
    stores[logstore] = nowSeconds;
    this.metaDirty = true;
    this.schedule();
  }

  append(project: string, logstore: string, entries: Omit<SlsLog, 'seq'>[]): void {
    const key = storeKey(project, logstore);
    let list = this.logs.get(key);
    if (list === undefined) {
      list = [];
      this.logs.set(key, list);
    }
    for (const entry of entries) list.push({ ...entry, seq: this.seq++ });
    this.dirty.add(key);
    this.schedule();
  }

  /** Logs with from ≤ time < to, oldest first. */
  range(project: string, logstore: string, from: number, to: number): SlsLog[] {
    const list = this.logs.get(storeKey(project, logstore)) ?? [];
    return list
      .filter((l) => l.time >= from && l.time < to)
      .sort((a, b) => a.time - b.time || a.seq - b.seq);
  }

  reset(): void {
    this.meta = { strict: false, projects: {} };
    this.logs.clear();
    this.dirty.clear();
    this.metaDirty = true;
    this.wiped = true;
    this.seq = 0;
    this.schedule();
  }

  /** Writes pending changes now (on stop; the timer does it otherwise). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stateDir === undefined) return;
    const started = performance.now();
    this.write(this.stateDir);
    this.lastWriteMs = performance.now() - started;
  }

  private schedule(): void {
    if (this.stateDir === undefined || this.timer !== undefined) return;
    // A big logstore takes long to rewrite: wait 4× the last write so writing never takes
    // more than a fifth of the time.
    const delay = Math.max(this.debounceMs, this.lastWriteMs * 4);
    this.timer = setTimeout(() => {
      try {
        this.flush();
      } catch (error) {
        // A full disk must not crash the emulator; the changes stay pending for the next write.
        console.error('emulator: could not persist SLS state', error);
      }
    }, delay);
    this.timer.unref();
  }

  private write(stateDir: string): void {
    const root = join(stateDir, 'sls');
    if (this.wiped) {
      rmSync(join(root, 'logs'), { recursive: true, force: true });
      this.wiped = false;
    }
    mkdirSync(root, { recursive: true });
    if (this.metaDirty) {
      writeAtomic(join(root, 'meta.json'), JSON.stringify(this.meta));
      this.metaDirty = false;
    }
    for (const key of this.dirty) {
      const [project, logstore] = splitKey(key);
      const dir = join(root, 'logs', encodeURIComponent(project));
      mkdirSync(dir, { recursive: true });
      const lines = (this.logs.get(key) ?? []).map((l) => `${JSON.stringify(l)}\n`).join('');
      writeAtomic(join(dir, `${encodeURIComponent(logstore)}.jsonl`), lines);
      this.dirty.delete(key);
    }
  }

  private load(stateDir: string): void {
    const root = join(stateDir, 'sls');
    try {
      this.meta = JSON.parse(readFileSync(join(root, 'meta.json'), 'utf8')) as Meta;
    } catch {
      // No state yet: start empty.
    }
    let projects: string[] = [];
    try {
      projects = readdirSync(join(root, 'logs'));
    } catch {
      return;
    }
    for (const projectDir of projects) {
      for (const file of readdirSync(join(root, 'logs', projectDir))) {
        if (!file.endsWith('.jsonl')) continue;
        const key = storeKey(
          decodeURIComponent(projectDir),
          decodeURIComponent(file.slice(0, -'.jsonl'.length)),
        );
        const list = readFileSync(join(root, 'logs', projectDir, file), 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as SlsLog);
        for (const log of list) this.seq = Math.max(this.seq, log.seq + 1);
        this.logs.set(key, list);
      }
    }
  }
}

function storeKey(project: string, logstore: string): string {
  return `${project}\u0000${logstore}`;
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, 'utf8');
  renameSync(tmp, path);
}
