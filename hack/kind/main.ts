// The kind dev loop, for machines with Docker (issue 7):
//
//   npm run kind -- up [--repo PATH] [--name kubefox] [--port 8080]
//   npm run kind -- reload [--name kubefox]     rebuild the image, load it, restart the pods
//   npm run kind -- down [--name kubefox]       delete the kind cluster
//
// `up` creates the kind cluster (unless it exists), builds the image from the
// Dockerfile and loads it into the cluster, serves a local Git repository to
// the cluster's pods (repo-template, or --repo), installs kubefox-gitops with
// kustomize, pointed at that repository, and forwards the status API to
// 127.0.0.1. It stays in the foreground serving Git; Ctrl-C stops serving and
// leaves the cluster running (`down` deletes it). Without Docker, `npm start`
// runs the same controller on the local control plane.
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { execa } from "execa";
import { startGitServer } from "../git/server.js";
import { WorkingCopy } from "../git/working-copy.js";
import {
  buildImage,
  clusterExists,
  createCluster,
  defaultClusterName,
  deleteCluster,
  gitEndpoint,
  imageName,
  inspectNetwork,
  install,
  ipv4Gateway,
  listClusters,
  loadImage,
  overlayKustomization,
  portForward,
  repoUrl,
  restart,
  waitForRollout,
  type Command,
  type KindOptions,
} from "./commands.js";
import { forward } from "./forward.js";

const usage = `usage: npm run kind -- up [--repo PATH] [--name NAME] [--port PORT]
       npm run kind -- reload [--name NAME]
       npm run kind -- down [--name NAME]`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const stateDir = path.join(
  process.env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state"),
  "kubefox-gitops",
  "kind",
);

async function run(command: Command): Promise<string> {
  console.error(`hack/kind: ${command.what}\n  $ ${command.file} ${command.args.join(" ")}`);
  const result = await execa(command.file, command.args, {
    stdout: "pipe",
    stderr: "inherit",
  });
  return result.stdout;
}

async function requireDocker(): Promise<void> {
  for (const tool of ["docker", "kind", "kubectl"]) {
    const found = await execa(tool, ["version"], { reject: false });
    if (found.failed && found.code === "ENOENT")
      throw new Error(
        `${tool} is not installed. The kind dev loop needs Docker, kind and kubectl; ` +
          "without Docker, `npm start` runs kubefox-gitops on the local control plane instead.",
      );
  }
  const info = await execa("docker", ["info"], { reject: false });
  if (info.exitCode !== 0)
    throw new Error(
      "the Docker engine does not answer (`docker info` failed). Start it, or use `npm start`, " +
        "which needs no Docker.",
    );
}

/** A Git working repository to serve: --repo, or repo-template made into one (kept between runs). */
async function repository(given: string | undefined): Promise<string> {
  if (given) {
    const dir = path.resolve(given);
    if (!existsSync(path.join(dir, ".git")))
      throw new Error(`--repo ${given}: not a Git working repository`);
    return dir;
  }
  const dir = path.join(stateDir, "repo");
  if (!existsSync(path.join(dir, ".git"))) {
    const work = await WorkingCopy.init(dir);
    await work.copyFrom(path.join(root, "repo-template"));
    await work.commit("Start from the kubefox-gitops repo-template");
  }
  return dir;
}

async function up(o: KindOptions, repoPath: string | undefined, port: number): Promise<void> {
  await requireDocker();
  if (!clusterExists(await run(listClusters()), o.name)) await run(createCluster(o));
  await run(buildImage(o));
  await run(loadImage(o));

  // Serve the repository's own .git: a commit there is served at once, no push needed.
  const repo = await repository(repoPath);
  const name = path.basename(repo).replace(/\.git$/, "") || "repo";
  const served = path.join(stateDir, "git");
  await rm(served, { recursive: true, force: true });
  await mkdir(served, { recursive: true });
  await symlink(path.join(repo, ".git"), path.join(served, `${name}.git`), "dir");
  const git = await startGitServer({ root: served });
  const gateway =
    process.platform === "linux" ? ipv4Gateway(await run(inspectNetwork())) : undefined;
  const endpoint = gitEndpoint(process.platform, gateway);
  const forwarder = await forward(endpoint.bind, 0, Number(new URL(git.url).port));
  const url = repoUrl(endpoint.host, forwarder.port, name);

  const overlay = path.join(stateDir, "overlay");
  await mkdir(overlay, { recursive: true });
  await writeFile(
    path.join(overlay, "kustomization.yaml"),
    overlayKustomization(root, overlay, { repo: url }),
  );
  await run(install(o, overlay));
  await run(restart(o));
  await run(waitForRollout(o));

  const pf = portForward(o, port);
  console.error(`hack/kind: ${pf.what}\n  $ ${pf.file} ${pf.args.join(" ")}`);
  const forwarding = execa(pf.file, pf.args, { stdio: "ignore", reject: false });
  const api = `http://127.0.0.1:${port}`;
  console.log(`
kubefox-gitops runs in kind cluster ${o.name} (2 replicas, one leader), syncing
${repo}
served to the cluster as ${url}

  Status API   ${api}/api/kubefox/v0/platform
  Health       ${api}/readyz
  Cluster      kubectl --context kind-${o.name} get pods -n kubefox-system
               kubectl --context kind-${o.name} get lease -n kubefox-system kubefox-gitops

Commit in ${repo} and the leader deploys it within 5 seconds; tag v1.0.0 to release.
After changing the controller's code: npm run kind -- reload
Ctrl-C stops serving Git (the cluster keeps running; npm run kind -- down deletes it).
`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  forwarding.kill("SIGTERM");
  await forwarder.close();
  await git.close();
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: "string", default: defaultClusterName },
      repo: { type: "string" },
      port: { type: "string", default: "8080" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
    version: string;
  };
  const o: KindOptions = { name: values.name, image: imageName(pkg.version), root };
  switch (command) {
    case "up":
      await up(o, values.repo, Number(values.port));
      return 0;
    case "reload":
      await requireDocker();
      await run(buildImage(o));
      await run(loadImage(o));
      await run(restart(o));
      await run(waitForRollout(o));
      return 0;
    case "down":
      await run(deleteCluster(o));
      return 0;
    default:
      console.error(`hack/kind: unknown command ${command}\n${usage}`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`hack/kind: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
