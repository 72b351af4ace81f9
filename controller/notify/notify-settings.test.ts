import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseSettings } from "../cli/settings.js";
import { SettingsError } from "../errors.js";
import { parseStatusApi, readReceivers, receiverEnvName, receiverFor } from "./notify-settings.js";

describe("--status-api", () => {
  it.each([
    ["git.acme.io=github", { host: "git.acme.io", provider: "github" }],
    [
      "GL.acme.io:8443=gitlab:https://gl.acme.io/api/v4",
      { host: "gl.acme.io:8443", provider: "gitlab", apiBase: "https://gl.acme.io/api/v4" },
    ],
    ["bb.acme.io=bitbucket-server", { host: "bb.acme.io", provider: "bitbucket-server" }],
  ])("%s", (value, expected) => {
    expect(parseStatusApi(value)).toEqual(expected);
  });

  it.each([
    ["git.acme.io", /HOST=PROVIDER/],
    ["git.acme.io=svn", /unknown provider svn/],
    ["git.acme.io=gitea:https://user:pw@git.acme.io/api/v1", /without credentials/],
  ])("refuses %s", (value, message) => {
    expect(() => parseStatusApi(value)).toThrow(message);
  });
});

describe("receivers", () => {
  it("reads a folder (URL, then a signing secret) and the environment, which wins", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "receivers-"));
    await writeFile(path.join(dir, "team-chat"), "https://hooks.slack.com/services/a\n");
    await writeFile(path.join(dir, "hook"), "https://ops.example.com/h\ns3cret\n");
    await writeFile(path.join(dir, ".data"), "ignored");
    const receivers = readReceivers(dir, {
      KUBEFOX_GITOPS_RECEIVER_TEAM_CHAT: "https://hooks.slack.com/services/b",
      KUBEFOX_GITOPS_RECEIVER_OTHER: "https://other",
      KUBEFOX_GITOPS_RECEIVER_OTHER_SECRET: "x",
    });
    const settings = {
      publicUrl: undefined,
      statusTokens: { entries: [] },
      statusApis: [],
      receivers,
    };
    expect(receiverFor(settings, "team-chat")).toEqual({
      url: "https://hooks.slack.com/services/b",
    });
    expect(receiverFor(settings, "hook")).toEqual({
      url: "https://ops.example.com/h",
      secret: "s3cret",
    });
    expect(receiverFor(settings, "other")).toEqual({ url: "https://other", secret: "x" });
    expect(receiverFor(settings, "missing")).toBeUndefined();
    expect(receiverEnvName("team-chat")).toBe("KUBEFOX_GITOPS_RECEIVER_TEAM_CHAT");
  });
});

describe("run's notification settings", () => {
  it("reads them once, and never echoes a token in an error", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "status-token-"));
    const file = path.join(dir, "tokens");
    await writeFile(file, "github.com ghp_secret\nfallback_secret\n");
    const settings = parseSettings(
      [
        "--repo",
        "/r",
        "--status-token-file",
        file,
        "--status-api",
        "git.acme.io=gitea",
        "--public-url",
        "https://kf.example.com/",
      ],
      {},
    );
    expect(settings.notify).toMatchObject({
      publicUrl: "https://kf.example.com",
      statusTokens: {
        fallback: "fallback_secret",
        entries: [{ pattern: "github.com", token: "ghp_secret" }],
      },
      statusApis: [{ host: "git.acme.io", provider: "gitea" }],
    });
    expect(
      parseSettings(["--repo", "/r"], { KUBEFOX_GITOPS_STATUS_TOKEN: "t" }).notify.statusTokens,
    ).toEqual({
      fallback: "t",
      entries: [],
    });
    await writeFile(file, "a b c_secret_value\n");
    let error: unknown;
    try {
      parseSettings(["--repo", "/r", "--status-token-file", file], {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect(String(error)).toMatch(/line 1/);
    expect(String(error)).not.toMatch(/secret_value/);
    expect(() => parseSettings(["--repo", "/r", "--public-url", "ftp://x"], {})).toThrow(
      SettingsError,
    );
  });
});
