// Where a URL's clone lives under the state directory, and its first setup: a
// bare repository native git can open too, which never holds a credential.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import * as git from "isomorphic-git";

/** Creates `<stateDir>/repos/<name>` as a bare repository unless it exists; returns its path. */
export async function prepareClone(stateDir: string, url: string): Promise<string> {
  const gitdir = path.join(stateDir, "repos", cloneName(url));
  await mkdir(path.join(gitdir, "objects", "pack"), { recursive: true });
  if (await fs.promises.stat(path.join(gitdir, "config")).catch(() => undefined)) return gitdir;
  await git.init({ fs, gitdir, bare: true, defaultBranch: "main" });
  // For people who look inside with native git.
  await git.setConfig({ fs, gitdir, path: "remote.origin.url", value: url });
  return gitdir;
}

/** `<host>[_port]-<path>-<hash>`: readable, a valid file name, unique per URL. */
export function cloneName(url: string): string {
  let readable = url;
  try {
    const u = new URL(url);
    readable = `${u.hostname}${u.port ? `_${u.port}` : ""}${u.pathname}`;
  } catch {
    // not a URL: the hash alone keeps it unique
  }
  readable = readable
    .replace(/\.git\/?$/, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|-+$/g, "")
    .slice(0, 80);
  return `${readable}-${createHash("sha256").update(url).digest("hex").slice(0, 8)}`;
}
