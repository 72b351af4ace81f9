import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SettingsError } from "../errors.js";
import { parseSettings } from "./settings.js";

const dir = mkdtempSync(path.join(tmpdir(), "kubefox-settings-"));
const file = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe("parseSettings", () => {
  it("reads flags, with defaults, into a frozen object", () => {
    const s = parseSettings(
      ["--repo", "https://git.example/shop.git", "--repo", "/srv/repo", "--listen", "0.0.0.0:9090"],
      {},
    );
    expect(s.repos).toEqual(["https://git.example/shop.git", "/srv/repo"]);
    expect(s.listen).toEqual({ host: "0.0.0.0", port: 9090 });
    expect(s.poll).toBe("* * * * *");
    expect(s.logFormat).toBe("json");
    expect(Object.isFrozen(s)).toBe(true);
  });

  it("takes every flag from KUBEFOX_GITOPS_* when the flag is not given", () => {
    const s = parseSettings([], {
      KUBEFOX_GITOPS_REPO: "https://a.example/x.git,https://b.example/y.git",
      KUBEFOX_GITOPS_BRANCH: "control",
      KUBEFOX_GITOPS_POLL: "*/5 * * * *",
      KUBEFOX_GITOPS_LOG_FORMAT: "text",
      KUBEFOX_GITOPS_WEBHOOK_SECRET: "s3cret",
    });
    expect(s.repos).toEqual(["https://a.example/x.git", "https://b.example/y.git"]);
    expect(s).toMatchObject({
      branch: "control",
      poll: "*/5 * * * *",
      logFormat: "text",
      webhookSecret: "s3cret",
    });
  });

  it("reads secrets and Git credentials from files or the environment, never from a flag's value", () => {
    const s = parseSettings(
      [
        "--repo",
        "x",
        "--webhook-secret-file",
        file("hook", "abc\n"),
        "--git-credentials-file",
        file("cred", "bob:pw\n"),
      ],
      {},
    );
    expect(s.webhookSecret).toBe("abc");
    expect(s.credentials).toEqual({ username: "bob", password: "pw" });
    expect(parseSettings(["--repo", "x"], { KUBEFOX_GITOPS_GIT_TOKEN: "t0k" }).credentials).toEqual(
      { token: "t0k" },
    );
    expect(() => parseSettings(["--repo", "https://bob:pw@git.example/x.git"], {})).toThrow(
      /credentials in a URL are refused/,
    );
    try {
      parseSettings(["--repo", "https://bob:pw@git.example/x.git"], {});
    } catch (err) {
      expect((err as Error).message).not.toContain("pw");
    }
  });

  it.each([
    [[], /--repo is required/],
    [["--repo", "x", "--poll", "every minute"], /not a valid cron schedule/],
    [["--repo", "x", "--listen", "8080"], /use HOST:PORT/],
    [["--repo", "x", "--log-format", "xml"], /use json or text/],
    [["--repo", "x", "--webhook-secret-file", "/nonexistent"], /ENOENT/],
    [["--repo", "x", "--bogus"], /Unknown option/],
  ])("refuses %j with a message saying what to do", (args, message) => {
    expect(() => parseSettings(args as string[], {})).toThrow(SettingsError);
    expect(() => parseSettings(args as string[], {})).toThrow(message);
  });
});
