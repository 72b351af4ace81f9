// Opens the right kind of source for what the user gave `--repo`: an HTTP(S)
// URL or an SSH location (`ssh://`, `user@host:path`) is cloned under the
// state directory, anything else is a local path.
import { SourceError, maskUrl } from "../errors.js";
import type { GitCredentials } from "./credentials.js";
import type { SshCredentials } from "./ssh-transport.js";
import { isSshLocation } from "../ssh/location.js";
import { openLocalSource } from "./local-source.js";
import type { PackLimits } from "./git/limits.js";
import type { RetryPolicy } from "./retry.js";
import type { SourceLog } from "./source-log.js";
import type { GitSource, RefMap } from "./types.js";
import { openUrlSource } from "./url-source.js";

export interface SourceOptions {
  /** `https://...`, `http://...`, `ssh://...`, `user@host:path`, or a path to a work tree or bare repository. */
  location: string;
  /** Where clones of URLs are kept (`<stateDir>/repos/`). */
  stateDir: string;
  credentials?: GitCredentials;
  /** The key and known hosts for SSH locations. */
  ssh?: SshCredentials;
  /** For a path: called when its refs change. URLs are synced by polling and webhooks. */
  onChange?: (refs: RefMap) => void;
  timeoutMs?: number;
  /** What a server may make us hold, and for how long (git/limits.ts). */
  limits?: Partial<PackLimits>;
  retry?: RetryPolicy;
  log?: SourceLog;
}

export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

export function openSource(options: SourceOptions): Promise<GitSource> {
  const { location } = options;
  if (isUrl(location) || isSshLocation(location))
    return openUrlSource({ ...options, url: location });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    // git://, file:// and the like: not supported.
    return Promise.reject(
      new SourceError(
        maskUrl(location),
        "only HTTP(S) URLs, SSH locations and local paths are supported",
      ),
    );
  }
  return openLocalSource({ path: location, onChange: options.onChange, log: options.log });
}
