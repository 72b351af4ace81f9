// The real `git` client, run as a user would run it, with a fixed identity and
// no dependence on the machine's global Git configuration.
import { execa } from "execa";

const isolatedEnv: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "KubeFox Test",
  GIT_AUTHOR_EMAIL: "test@kubefox.invalid",
  GIT_COMMITTER_NAME: "KubeFox Test",
  GIT_COMMITTER_EMAIL: "test@kubefox.invalid",
  GIT_TERMINAL_PROMPT: "0",
};

/**
 * Runs `git ARGS` and returns its trimmed stdout; throws with git's stderr on
 * failure. `env` adds variables (GIT_SSH_COMMAND for an SSH remote).
 */
export async function git(
  args: string[],
  cwd?: string,
  env: Record<string, string> = {},
): Promise<string> {
  const result = await execa("git", args, {
    cwd,
    env: { ...isolatedEnv, ...env },
    extendEnv: true,
    stripFinalNewline: true,
  });
  return result.stdout;
}
