// Systems by commit. A commit never changes, so what was read from it (or the
// problems found in it) is kept and reused by every deployment and every sync.
import type { GitSource } from "../source/types.js";
import { loadSystem, type LoadedSystem, type SystemModel } from "../model/load-system.js";
import type { SystemAtCommit } from "../render/input.js";

export class SystemCache {
  private readonly loaded = new Map<string, Promise<LoadedSystem>>();

  constructor(
    private readonly source: GitSource,
    private readonly limit = 64,
  ) {}

  get(commit: string): Promise<LoadedSystem> {
    let found = this.loaded.get(commit);
    if (found) {
      // Refresh its place: the map's order is the eviction order.
      this.loaded.delete(commit);
    } else {
      found = this.source.tree(commit).then(loadSystem);
      found.catch(() => this.loaded.delete(commit));
    }
    this.loaded.set(commit, found);
    while (this.loaded.size > this.limit) this.loaded.delete(this.loaded.keys().next().value!);
    return found;
  }
}

export function atCommit(model: SystemModel, commit: string): SystemAtCommit {
  return {
    name: model.name,
    commit,
    apps: Object.fromEntries(
      Object.entries(model.apps).map(([name, app]) => [name, { components: app.spec.components }]),
    ),
    manifests: model.manifests.map((m) => ({ file: m.file, object: m.object })),
  };
}
