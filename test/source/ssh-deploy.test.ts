// git push over SSH deploys (issue 16): the real `kubefox-gitops run` watches a
// repository through a real sshd (--repo ssh://..., --ssh-key-file,
// --ssh-known-hosts); a person pushes over SSH with native git; the objects
// appear in the real control plane and follow the next push.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import {
  deploymentStatus,
  startController,
  type RunningController,
} from "../support/controller.js";
import { createRepoWithClone } from "../support/git.js";
import { clients, eventually } from "../support/kube.js";
import { startTestSsh, type TestSsh } from "../support/ssh.js";
import { platformFile, systemFiles } from "../support/systems.js";

const namespace = `ssh-${randomBytes(3).toString("hex")}`;
const web = "shop-branch-main-store-web";

let ssh: TestSsh;
let work: WorkingCopy;
let controller: RunningController | undefined;

async function image(): Promise<string | undefined> {
  const d = await clients()
    .apps.readNamespacedDeployment({ name: web, namespace })
    .catch(() => undefined);
  return d?.spec?.template.spec?.containers[0]?.image;
}

describe("git push over SSH deploys", () => {
  beforeAll(async () => {
    ssh = await startTestSsh();
    const created = await createRepoWithClone("ssh-deploy");
    work = created.work;
    // From now on this working copy pushes over SSH, with the test's key and known_hosts.
    await work.git("config", "core.sshCommand", ssh.nativeEnv().GIT_SSH_COMMAND!);
    await work.git("remote", "set-url", "origin", ssh.url(created.repo.name));
    await work.commitAndPush(
      { ...systemFiles(), ...platformFile("ssh", namespace, ["branch/main"]) },
      "first system, over SSH",
    );
    controller = await startController(ssh.url(created.repo.name), {
      args: ["--ssh-key-file", ssh.key.privateKeyFile, "--ssh-known-hosts", ssh.knownHosts],
    });
  });

  afterAll(async () => {
    await controller?.stop();
    await clients()
      .core.deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await work?.remove();
    await ssh?.close();
  });

  it("deploys the main branch it reads over SSH, then what the next push over SSH changes", async () => {
    const first = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.state === "Ready",
      "Ready",
    );
    expect(first.id).toBe(await work.git("rev-parse", "HEAD"));
    expect(await image()).toBe("ghcr.io/acme/shop-web:1.0.0");

    const pushed = await work.commitAndPush(
      systemFiles({ image: "ghcr.io/acme/shop-web:1.1.0" }),
      "new image, over SSH",
    );
    await eventually(
      async () => ((await image()) === "ghcr.io/acme/shop-web:1.1.0" ? true : undefined),
      {
        what: "the pushed image on the Deployment",
      },
    );
    const status = await deploymentStatus(
      namespace,
      "branch/main",
      (d) => d.id === pushed,
      "the new id",
    );
    expect(status.id).toBe(pushed);
  });
});
