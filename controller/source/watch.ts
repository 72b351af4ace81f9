// Watches where a local repository keeps its refs (loose refs under refs/heads
// and refs/tags, packed-refs, HEAD) and calls back once per burst of changes:
// one commit rewrites several of these files within milliseconds.
import path from "node:path";
import { watch, type FSWatcher } from "chokidar";

/** Longer than chokidar's 50 ms change throttle, short enough to stay well inside a second. */
const SETTLE_MS = 250;

export interface RefWatcher {
  close(): Promise<void>;
}

export async function watchRefs(
  dirs: { gitDir: string; commonDir: string },
  onChange: () => void,
  debounceMs: number,
): Promise<RefWatcher> {
  const { gitDir, commonDir } = dirs;
  const wanted = (p: string): boolean => {
    const fromCommon = path.relative(commonDir, p).split(path.sep).join("/");
    const fromGit = path.relative(gitDir, p).split(path.sep).join("/");
    if (fromGit === "" || fromGit === "HEAD" || fromCommon === "" || fromCommon === "packed-refs")
      return true;
    if (p.endsWith(".lock")) return false; // git's half-written files: the rename that follows counts
    return fromCommon === "refs" || /^refs\/(heads|tags)(\/|$)/.test(fromCommon);
  };
  const watcher: FSWatcher = watch([...new Set([gitDir, commonDir])], {
    ignoreInitial: true,
    ignored: (p: string) => !wanted(p),
  });
  let timer: NodeJS.Timeout | undefined;
  let recheck: NodeJS.Timeout | undefined;
  watcher.on("all", () => {
    clearTimeout(timer);
    clearTimeout(recheck);
    timer = setTimeout(onChange, debounceMs);
    // chokidar drops a second change of one file within 50 ms, and can miss
    // one while it re-watches a file git replaced by rename: a burst of
    // commits may end unreported. One more look after it settles catches that.
    recheck = setTimeout(onChange, debounceMs + SETTLE_MS);
  });
  await new Promise<void>((resolve, reject) => {
    watcher.once("ready", resolve);
    watcher.once("error", reject);
  });
  return {
    async close() {
      clearTimeout(timer);
      clearTimeout(recheck);
      await watcher.close();
    },
  };
}
