// The container image (issue 7), without a Docker engine: the Dockerfile's
// stages are replayed as written (the build context filtered by .dockerignore,
// each COPY, each RUN with the real npm), and the last stage's ENTRYPOINT runs
// the compiled controller with production dependencies only. What only Docker
// can check (the base images, USER, the layer cache) is checked by reading.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import semver from "semver";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildContext,
  dockerIgnored,
  execForm,
  parseDockerfile,
  replayStage,
  type Stage,
} from "./dockerfile.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
  version: string;
  engines: { node: string };
};
const image = `ghcr.io/kubefox/kubefox-gitops:${pkg.version}`;
const dockerfile = parseDockerfile(await readFile(path.join(root, "Dockerfile"), "utf8"));
const final = dockerfile.stages.at(-1)!;
const nodeMajor = Number(dockerfile.args.NODE_VERSION?.split(".")[0]);
const find = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op);

async function deploymentManifest() {
  const text = await readFile(path.join(root, "deploy/deployment.yaml"), "utf8");
  return parseAllDocuments(text)[0]!.toJS() as {
    spec: {
      template: {
        spec: {
          securityContext: { runAsUser: number; runAsGroup: number; runAsNonRoot: boolean };
          containers: { image: string; args: string[] }[];
        };
      };
    };
  };
}

describe("the Dockerfile, read", () => {
  it("builds the image the Deployment runs, named after package.json's version", async () => {
    const header = await readFile(path.join(root, "Dockerfile"), "utf8");
    expect(header).toContain(`docker build -t ${image} .`);
    const pod = (await deploymentManifest()).spec.template.spec;
    expect(pod.containers[0]!.image).toBe(image);
  });

  it("has a compile stage, a production-dependencies stage and a distroless runtime", () => {
    expect(dockerfile.stages.map((s) => s.name ?? s.base)).toEqual([
      "build",
      "deps",
      `gcr.io/distroless/nodejs${nodeMajor}-debian12:nonroot`,
    ]);
    expect(dockerfile.stages[0]!.base).toBe(`node:${dockerfile.args.NODE_VERSION}-bookworm-slim`);
    expect(find(dockerfile.stages[1]!, "RUN")[0]!.args).toMatch(/npm ci --omit=dev/);
    // The runtime stage takes only dist/, the production node_modules and package.json ("type": "module").
    expect(find(final, "COPY").map((c) => `${c.from ?? "context"} ${c.args}`)).toEqual([
      "deps /app/node_modules ./node_modules",
      "build /src/dist ./dist",
      "context package.json ./",
    ]);
    expect(find(final, "RUN")).toEqual([]);
  });

  it("runs on Node.js 24 LTS, the same major in every stage, within package.json's engines", () => {
    // Node.js 20 reached its end of life in April 2026 (issue 15).
    expect(nodeMajor).toBe(24);
    expect(dockerfile.args.NODE_VERSION).toMatch(/^24\.\d+$/);
    for (const stage of dockerfile.stages.slice(0, 2))
      expect(stage.base).toBe(`node:${dockerfile.args.NODE_VERSION}-bookworm-slim`);
    expect(semver.satisfies(`${dockerfile.args.NODE_VERSION}.0`, pkg.engines.node)).toBe(true);
    // What these tests run on is what engines promises (20.19 and up): CI runs them on both.
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
  });

  it("runs as the same numeric non-root user the Deployment asks for", async () => {
    const user = find(final, "USER")[0]!.args;
    expect(user).toMatch(/^\d+:\d+$/);
    const [uid, gid] = user.split(":").map(Number);
    expect(uid).not.toBe(0);
    const pod = (await deploymentManifest()).spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: gid,
    });
  });

  it("leaves the checkout's node_modules, dist, tests, .git and local state out of the build context", async () => {
    const context = await buildContext(root);
    expect(context).toContain("package-lock.json");
    expect(context).toContain("controller/cli.ts");
    expect(context.some((f) => f.endsWith(".test.ts"))).toBe(false);
    expect(context.some((f) => /^(dist|test|hack|bench|node_modules|\.git)\//.test(f))).toBe(false);
    expect(context).not.toContain("test-results.json");
  });
});

describe("dockerIgnored", () => {
  const patterns = ["*", "!controller/", "**/*.test.ts", "!package.json"];
  it.each([
    ["README.md", true],
    ["hack/main.ts", true],
    ["controller/cli.ts", false],
    ["controller/leader.test.ts", true],
    ["package.json", false],
  ])("%s: %s", (file, ignored) => {
    expect(dockerIgnored(patterns, file)).toBe(ignored);
  });
});

describe("the Dockerfile, replayed without Docker", () => {
  let work: string;
  let app: string;
  // npm fetches from its cache when it can: the same packages as from the registry.
  const env = { npm_config_prefer_offline: "true", npm_config_update_notifier: "false" };

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "kubefox-image-"));
    const context = await buildContext(root);
    const options = { root, work, env };
    for (const [i, stage] of dockerfile.stages.entries()) {
      const dir = await replayStage(stage, i, dockerfile.stages, context, options);
      if (stage === final) app = dir;
    }
  }, 600_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** The image's ENTRYPOINT and CMD, with this machine's node for /nodejs/bin/node and the folder for /app. */
  function entrypoint(args?: string[]) {
    const [, ...rest] = execForm(find(final, "ENTRYPOINT")[0]);
    const argv = [...rest, ...(args ?? execForm(find(final, "CMD")[0]))].map((a) =>
      a.startsWith("/app/") ? path.join(app, a.slice(5)) : a,
    );
    return execa(process.execPath, argv, {
      cwd: app,
      reject: false,
      env: { NODE_ENV: "production" },
    });
  }

  it("holds the compiled CLI and production dependencies only", async () => {
    await stat(path.join(app, "dist/controller/cli.js"));
    for (const dev of ["typescript", "vitest", "eslint", "prettier"]) {
      await expect(stat(path.join(app, "node_modules", dev))).rejects.toThrow(/ENOENT/);
    }
    // The controller speaks HTTP to the API server itself (controller/cluster/http.ts):
    // client-node is for tests and hack/ only, and the image must run without it.
    await expect(stat(path.join(app, "node_modules/@kubernetes/client-node"))).rejects.toThrow(
      /ENOENT/,
    );
    await stat(path.join(app, "node_modules/isomorphic-git"));
  });

  it("prints the usage with the default CMD, and the version with --version", async () => {
    const result = await entrypoint();
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("kubefox-gitops run");
    // package.json is copied beside dist/, where the compiled CLI finds its version.
    const version = await entrypoint(["--version"]);
    expect(version.stdout).toBe(`kubefox-gitops version ${pkg.version}`);
  });

  it("needs no tsx: the compiled CLI validates and renders the starter template with tsx removed", async () => {
    // package.json still lists tsx as a dependency (for bin/); the image must not need it.
    await rm(path.join(app, "node_modules/tsx"), { recursive: true, force: true });
    const validate = await entrypoint(["validate", path.join(root, "repo-template")]);
    expect(validate.exitCode).toBe(0);
    expect(validate.stderr).toMatch(/repo-template: valid \(system demo/);
    const render = await entrypoint([
      "render",
      path.join(root, "repo-template"),
      "--platform",
      "local",
    ]);
    expect(render.exitCode).toBe(0);
    expect(render.stdout).toContain("kind: Deployment");
  });

  it("accepts the Deployment's arguments (and says what is missing without a repository)", async () => {
    const { args } = (await deploymentManifest()).spec.template.spec.containers[0]!;
    const result = await entrypoint([...args, "--listen=127.0.0.1:0"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--repo is required (or KUBEFOX_GITOPS_REPO)");
  });
});
