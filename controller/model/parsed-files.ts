// Files read from Git, parsed and checked once per content (issue 17). A blob id
// names a file's bytes, so what loading it gave (its document, or its problems)
// is the same in every commit that holds that blob under the same path: a
// commit to the control branch re-reads only the files it changed, not the
// hundred platform files beside them, and a system's apps are read once for
// every commit whose app files are the same. Bounded: the least recently used
// go first.

export class ParsedFiles {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(private readonly limit = 4096) {}

  /** What `produce` gives for `key`, produced once while it is kept. A failure is not kept. */
  get<T>(key: string, produce: () => Promise<T>): Promise<T> {
    let found = this.entries.get(key) as Promise<T> | undefined;
    if (found) {
      // Refresh its place: the map's order is the eviction order.
      this.entries.delete(key);
    } else {
      found = produce();
      found.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, found);
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return found;
  }

  get size(): number {
    return this.entries.size;
  }
}
