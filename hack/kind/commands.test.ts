// The kind dev loop's commands, checked without Docker: what would run, with
// which arguments, against which context.
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildImage,
  clusterExists,
  createCluster,
  deleteCluster,
  gitEndpoint,
  imageName,
  inspectNetwork,
  install,
  ipv4Gateway,
  loadImage,
  overlayKustomization,
  portForward,
  repoUrl,
  restart,
  waitForRollout,
  type Command,
} from "./commands.js";

const o = { name: "kubefox", image: imageName("0.1.0"), root: "/src/kubefox-gitops" };
const line = (c: Command) => [c.file, ...c.args].join(" ");

describe("kind dev loop commands", () => {
  it("name the image the Deployment runs", () => {
    expect(imageName("0.1.0")).toBe("ghcr.io/kubefox/kubefox-gitops:0.1.0");
  });

  it.each([
    [createCluster(o), "kind create cluster --name kubefox --wait 120s"],
    [deleteCluster(o), "kind delete cluster --name kubefox"],
    [buildImage(o), "docker build --tag ghcr.io/kubefox/kubefox-gitops:0.1.0 /src/kubefox-gitops"],
    [loadImage(o), "kind load docker-image ghcr.io/kubefox/kubefox-gitops:0.1.0 --name kubefox"],
    [
      install(o, "/state/overlay"),
      "kubectl --context kind-kubefox apply --server-side -k /state/overlay",
    ],
    [
      restart(o),
      "kubectl --context kind-kubefox --namespace kubefox-system rollout restart deployment/kubefox-gitops",
    ],
    [
      waitForRollout(o),
      "kubectl --context kind-kubefox --namespace kubefox-system rollout status deployment/kubefox-gitops --timeout=180s",
    ],
    [
      portForward(o, 8080),
      "kubectl --context kind-kubefox --namespace kubefox-system port-forward --address 127.0.0.1 service/kubefox-gitops 8080:8080",
    ],
    [inspectNetwork(), "docker network inspect kind --format {{json .IPAM.Config}}"],
  ])("%o", (command, expected) => {
    expect(line(command)).toBe(expected);
    expect(command.what).not.toBe("");
  });

  it("always name the kind cluster's context, never the current one", () => {
    for (const c of [install(o, "x"), restart(o), waitForRollout(o), portForward(o, 1)])
      expect(c.args.slice(0, 2)).toEqual(["--context", "kind-kubefox"]);
  });

  it("find an existing cluster by its whole name", () => {
    expect(clusterExists("dev\nkubefox\n", "kubefox")).toBe(true);
    expect(clusterExists("kubefox-old\n", "kubefox")).toBe(false);
    expect(clusterExists("No kind clusters found.\n", "kubefox")).toBe(false);
  });

  it("take the kind network's IPv4 gateway, skipping IPv6", () => {
    const ipam = JSON.stringify([
      { Subnet: "fc00:f853:ccd:e793::/64", Gateway: "fc00:f853:ccd:e793::1" },
      { Subnet: "172.18.0.0/16", Gateway: "172.18.0.1" },
    ]);
    expect(ipv4Gateway(ipam)).toBe("172.18.0.1");
    expect(() => ipv4Gateway("[]")).toThrow("no IPv4 gateway");
  });

  it("serve Git on the gateway on Linux, through host.docker.internal on Docker Desktop", () => {
    expect(gitEndpoint("linux", "172.18.0.1")).toEqual({ bind: "172.18.0.1", host: "172.18.0.1" });
    expect(gitEndpoint("darwin", undefined)).toEqual({
      bind: "127.0.0.1",
      host: "host.docker.internal",
    });
    expect(() => gitEndpoint("linux", undefined)).toThrow("gateway");
    expect(repoUrl("172.18.0.1", 40123, "repo")).toBe("http://172.18.0.1:40123/repo.git");
  });

  it("write an overlay that points the install's settings at the served repository", () => {
    const text = overlayKustomization("/src/kubefox-gitops", "/home/me/.local/state/kind/overlay", {
      repo: "http://172.18.0.1:40123/repo.git",
    });
    const base = path.posix.relative("/home/me/.local/state/kind/overlay", "/src/kubefox-gitops");
    expect(text).toContain(`  - "${base}"`);
    expect(text).toContain("behavior: merge");
    expect(text).toContain('"KUBEFOX_GITOPS_REPO=http://172.18.0.1:40123/repo.git"');
    expect(text).toContain('"KUBEFOX_GITOPS_POLL=*/5 * * * * *"');
  });
});
