/** A binary min-heap of (completion time, snapshot id). */
export class CompletionQueue {
  #at: number[] = [];
  #id: string[] = [];

  clear(): void {
    this.#at = [];
    this.#id = [];
  }

  push(at: number, id: string): void {
    let i = this.#at.length;
    this.#at.push(at);
    this.#id.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.#at[parent] ?? 0) <= at) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** The earliest entry if it is due at `now`, removed; undefined otherwise. */
  popDue(now: number): { at: number; id: string } | undefined {
    const at = this.#at[0];
    const id = this.#id[0];
    if (at === undefined || id === undefined || at > now) return undefined;
    const lastAt = this.#at.pop() as number;
    const lastId = this.#id.pop() as string;
    if (this.#at.length > 0) {
      this.#at[0] = lastAt;
      this.#id[0] = lastId;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let least = i;
        if (l < this.#at.length && (this.#at[l] ?? 0) < (this.#at[least] ?? 0)) least = l;
        if (r < this.#at.length && (this.#at[r] ?? 0) < (this.#at[least] ?? 0)) least = r;
        if (least === i) break;
        this.#swap(i, least);
        i = least;
      }
    }
    return { at, id };
  }

  #swap(a: number, b: number): void {
    const at = this.#at[a] as number;
    this.#at[a] = this.#at[b] as number;
    this.#at[b] = at;
    const id = this.#id[a] as string;
    this.#id[a] = this.#id[b] as string;
    this.#id[b] = id;
  }
}
