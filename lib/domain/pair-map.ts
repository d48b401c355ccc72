/**
 * A map keyed by a source pair (region, snapshot id), in two levels: a lookup uses the strings
 * the listing already holds and builds no `${region}|${id}` key. A 100,000-snapshot plan looks
 * pairs up once per destination; joined keys cost 300,000 new strings, each flattened again by
 * the hash lookup.
 */
export class PairMap<V> {
  readonly #byRegion = new Map<string, Map<string, V>>();

  get(region: string, snapshotId: string): V | undefined {
    return this.#byRegion.get(region)?.get(snapshotId);
  }

  has(region: string, snapshotId: string): boolean {
    return this.#byRegion.get(region)?.has(snapshotId) ?? false;
  }

  set(region: string, snapshotId: string, value: V): this {
    let inRegion = this.#byRegion.get(region);
    if (!inRegion) {
      inRegion = new Map();
      this.#byRegion.set(region, inRegion);
    }
    inRegion.set(snapshotId, value);
    return this;
  }

  /** Region by region, each in insertion order. */
  *entries(): IterableIterator<[region: string, snapshotId: string, value: V]> {
    for (const [region, inRegion] of this.#byRegion) {
      for (const [snapshotId, value] of inRegion) yield [region, snapshotId, value];
    }
  }

  *values(): IterableIterator<V> {
    for (const inRegion of this.#byRegion.values()) yield* inRegion.values();
  }
}
