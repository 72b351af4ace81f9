// The overlay the kind dev loop writes (hack/kind/commands.ts), rendered by the
// real kustomize in kubectl: it must build from a folder outside the checkout
// and leave the install as it is but for the settings it merges.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { KubernetesObject, V1ConfigMap, V1Deployment } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { overlayKustomization } from "../../hack/kind/commands.js";
import { kubectl, requireKubectl } from "./kubectl.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let dir: string | undefined;

describe("the kind dev loop's overlay", () => {
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("builds with kustomize from outside the checkout and points the settings at the served repository", async () => {
    await requireKubectl();
    dir = await mkdtemp(path.join(tmpdir(), "kubefox-overlay-"));
    const repo = "http://172.18.0.1:40123/repo.git";
    await writeFile(
      path.join(dir, "kustomization.yaml"),
      overlayKustomization(root, dir, { repo }),
    );
    const built = (await kubectl(["kustomize", dir])).stdout;
    const objects = parseAllDocuments(built).map((d) => d.toJS() as KubernetesObject);
    const settings = objects.find((o) => o.kind === "ConfigMap") as V1ConfigMap;
    expect(settings.data).toMatchObject({
      KUBEFOX_GITOPS_REPO: repo,
      KUBEFOX_GITOPS_POLL: "*/5 * * * * *",
      KUBEFOX_GITOPS_LOG_FORMAT: "text",
      KUBEFOX_GITOPS_LOG_LEVEL: "info",
    });
    // The Deployment follows the ConfigMap's new hashed name, so a new setting rolls the pods.
    const deployment = objects.find((o) => o.kind === "Deployment") as V1Deployment;
    const envFrom = deployment.spec!.template.spec!.containers[0]!.envFrom!;
    expect(envFrom[0]!.configMapRef!.name).toBe(settings.metadata!.name);
    const base = (await kubectl(["kustomize", "."], { cwd: root })).stdout;
    expect(parseAllDocuments(base)).toHaveLength(objects.length);
  });
});
