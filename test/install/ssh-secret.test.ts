// The install's SSH settings (issue 16): the Secret made as the README says
// (`kubectl create secret generic kubefox-gitops-ssh --from-file=identity=...
// --from-file=known_hosts=...`), mounted where the Deployment mounts it, with
// the variables the Deployment sets, gives a controller that reads an SSH
// repository through a real sshd. Nothing is applied: KWOK's pods run no
// container, so the mount is laid out here as the kubelet lays it out, from
// the rendered Deployment and the Secret kubectl makes.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { KubernetesObject, V1Deployment, V1Secret } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSettings } from "../../controller/cli/settings.js";
import { openUrlSource } from "../../controller/source/url-source.js";
import { createRepoWithClone, lsRemote, type TestRepo } from "../support/git.js";
import { startTestSsh, type TestSsh } from "../support/ssh.js";
import { plain, tempDir } from "../source/native.js";
import { kubectl, requireKubectl } from "./kubectl.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let ssh: TestSsh;
let repo: TestRepo;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  await requireKubectl();
  ssh = await startTestSsh();
  const created = await createRepoWithClone("ssh-install");
  repo = created.repo;
  cleanups.push(() => created.work.remove());
  await created.work.commitAndPush({ "kubefox.yaml": "kind: System\n" }, "first");
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await ssh?.close();
});

describe("the install's SSH Secret", () => {
  it("mounted as the Deployment mounts it, makes SSH settings that fetch over SSH", async () => {
    const rendered = parseAllDocuments(
      (await kubectl(["kustomize", "."], { cwd: root })).stdout,
    ).map((d) => d.toJS() as KubernetesObject);
    const pod = (rendered.find((o) => o.kind === "Deployment") as V1Deployment).spec!.template
      .spec!;
    const container = pod.containers[0]!;
    const volume = pod.volumes!.find((v) => v.secret?.secretName === "kubefox-gitops-ssh")!;
    const mount = container.volumeMounts!.find((m) => m.name === volume.name)!;

    // The README's command, as a person runs it (here without writing to the cluster).
    const secret = parseAllDocuments(
      (
        await kubectl([
          ...["-n", "kubefox-system", "create", "secret", "generic", "kubefox-gitops-ssh"],
          `--from-file=identity=${ssh.key.privateKeyFile}`,
          `--from-file=known_hosts=${ssh.knownHosts}`,
          ...["--dry-run=client", "-o", "yaml"],
        ])
      ).stdout,
    )[0]!.toJS() as V1Secret;

    // The kubelet's layout: one file per key under the mount path.
    const scratch = await tempDir("ssh-mount");
    cleanups.push(scratch.remove);
    const mounted = path.join(scratch.dir, mount.mountPath);
    await mkdir(mounted, { recursive: true });
    for (const [key, value] of Object.entries(secret.data ?? {})) {
      await writeFile(path.join(mounted, key), Buffer.from(value, "base64"), { mode: 0o440 });
    }
    const env: Record<string, string> = { KUBEFOX_GITOPS_REPO: ssh.url(repo.name) };
    for (const e of container.env ?? []) {
      if (e.name.startsWith("KUBEFOX_GITOPS_SSH_") && e.value) {
        env[e.name] = e.value.startsWith(mount.mountPath)
          ? path.join(scratch.dir, e.value)
          : e.value;
      }
    }
    expect(Object.keys(env).sort()).toEqual([
      "KUBEFOX_GITOPS_REPO",
      "KUBEFOX_GITOPS_SSH_KEY_FILE",
      "KUBEFOX_GITOPS_SSH_KNOWN_HOSTS",
    ]);

    const settings = parseSettings([], env);
    const state = await tempDir("ssh-install-state");
    cleanups.push(state.remove);
    const source = await openUrlSource({
      url: settings.repos[0]!,
      stateDir: state.dir,
      ssh: settings.ssh!,
    });
    cleanups.push(() => source.close());
    expect(plain(await source.sync())).toEqual(await lsRemote(repo.url));
  });
});
