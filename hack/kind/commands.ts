// The kind dev loop's commands, built by pure functions so they can be checked
// without Docker (hack/kind/commands.test.ts); hack/kind/main.ts runs them.
// Where there is no Docker, the local control plane (`npm run cluster`, `npm
// start`) is the path: it needs none.
import path from "node:path";

export interface Command {
  file: string;
  args: string[];
  /** What it is for, printed before it runs. */
  what: string;
}

export interface KindOptions {
  /** kind cluster name; its kubectl context is `kind-<name>`. */
  name: string;
  /** The controller's image, as the Dockerfile builds it and deploy/deployment.yaml names it. */
  image: string;
  /** The repository checkout (Dockerfile, kustomization.yaml). */
  root: string;
}

export const defaultClusterName = "kubefox";
export const installNamespace = "kubefox-system";

/** The image name deploy/deployment.yaml uses: ghcr.io/kubefox/kubefox-gitops:<package.json version>. */
export function imageName(version: string): string {
  return `ghcr.io/kubefox/kubefox-gitops:${version}`;
}

export function kubeContext(name: string): string {
  return `kind-${name}`;
}

export function listClusters(): Command {
  return { file: "kind", args: ["get", "clusters"], what: "list kind clusters" };
}

/** True when `kind get clusters` printed `name` on a line of its own. */
export function clusterExists(listOutput: string, name: string): boolean {
  return listOutput.split("\n").some((line) => line.trim() === name);
}

export function createCluster(o: KindOptions): Command {
  return {
    file: "kind",
    args: ["create", "cluster", "--name", o.name, "--wait", "120s"],
    what: `create kind cluster ${o.name}`,
  };
}

export function deleteCluster(o: Pick<KindOptions, "name">): Command {
  return {
    file: "kind",
    args: ["delete", "cluster", "--name", o.name],
    what: `delete kind cluster ${o.name}`,
  };
}

export function buildImage(o: KindOptions): Command {
  return {
    file: "docker",
    args: ["build", "--tag", o.image, o.root],
    what: `build ${o.image} from the Dockerfile`,
  };
}

/** Copies the local image onto the cluster's nodes (the Deployment pulls IfNotPresent). */
export function loadImage(o: KindOptions): Command {
  return {
    file: "kind",
    args: ["load", "docker-image", o.image, "--name", o.name],
    what: `load ${o.image} into kind cluster ${o.name}`,
  };
}

/** `kubectl apply -k DIR` against the kind cluster's context, server-side. */
export function install(o: Pick<KindOptions, "name">, kustomization: string): Command {
  return {
    file: "kubectl",
    args: ["--context", kubeContext(o.name), "apply", "--server-side", "-k", kustomization],
    what: `install kubefox-gitops (kubectl apply -k ${kustomization})`,
  };
}

export function restart(o: Pick<KindOptions, "name">): Command {
  return {
    file: "kubectl",
    args: [
      "--context",
      kubeContext(o.name),
      "--namespace",
      installNamespace,
      "rollout",
      "restart",
      "deployment/kubefox-gitops",
    ],
    what: "restart the controller's pods (they pick up the newly loaded image)",
  };
}

export function waitForRollout(o: Pick<KindOptions, "name">): Command {
  return {
    file: "kubectl",
    args: [
      "--context",
      kubeContext(o.name),
      "--namespace",
      installNamespace,
      "rollout",
      "status",
      "deployment/kubefox-gitops",
      "--timeout=180s",
    ],
    what: "wait for both replicas to be ready",
  };
}

/** Forwards the Service's port to 127.0.0.1:`localPort`, for the status API and webhooks. */
export function portForward(o: Pick<KindOptions, "name">, localPort: number): Command {
  return {
    file: "kubectl",
    args: [
      "--context",
      kubeContext(o.name),
      "--namespace",
      installNamespace,
      "port-forward",
      "--address",
      "127.0.0.1",
      "service/kubefox-gitops",
      `${localPort}:8080`,
    ],
    what: `forward the status API to http://127.0.0.1:${localPort}`,
  };
}

export function inspectNetwork(network = "kind"): Command {
  return {
    file: "docker",
    args: ["network", "inspect", network, "--format", "{{json .IPAM.Config}}"],
    what: `find the host's address on docker network ${network}`,
  };
}

/** The IPv4 gateway of a docker network (from `docker network inspect --format '{{json .IPAM.Config}}'`). */
export function ipv4Gateway(ipamJson: string): string {
  const configs = JSON.parse(ipamJson || "null") as { Gateway?: string }[] | null;
  const gateway = (configs ?? [])
    .map((c) => c.Gateway ?? "")
    .find((g) => /^\d{1,3}(\.\d{1,3}){3}$/.test(g));
  if (!gateway) throw new Error(`the kind network has no IPv4 gateway in ${ipamJson.trim()}`);
  return gateway;
}

/**
 * Where the host serves Git to the cluster's pods. On Linux, pods reach the
 * host at the kind network's gateway, so the server binds there (not on every
 * interface). Docker Desktop (macOS, Windows) runs containers in a VM and
 * forwards host.docker.internal to the host's loopback.
 */
export function gitEndpoint(
  platform: NodeJS.Platform,
  gateway: string | undefined,
): { bind: string; host: string } {
  if (platform === "linux") {
    if (!gateway) throw new Error("on Linux the kind network's gateway is needed");
    return { bind: gateway, host: gateway };
  }
  return { bind: "127.0.0.1", host: "host.docker.internal" };
}

export interface OverlaySettings {
  /** Clone URL of the repository, as pods see it. */
  repo: string;
  /** node-cron schedule; every 5 seconds by default, since a local commit sends no webhook. */
  poll?: string;
}

/**
 * The kustomization the dev loop applies: the install at `root`, with the
 * settings ConfigMap told where the repository is. Written to `overlayDir`,
 * which may be anywhere: kustomize takes a base by relative path.
 */
export function overlayKustomization(
  root: string,
  overlayDir: string,
  settings: OverlaySettings,
): string {
  const base = path.relative(overlayDir, root).split(path.sep).join("/") || ".";
  const quote = (s: string) => JSON.stringify(s);
  return `# Written by hack/kind: the install (${base}) with the dev loop's settings.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ${quote(base)}
configMapGenerator:
  - name: kubefox-gitops-settings
    namespace: ${installNamespace}
    behavior: merge
    literals:
      - ${quote(`KUBEFOX_GITOPS_REPO=${settings.repo}`)}
      - ${quote(`KUBEFOX_GITOPS_POLL=${settings.poll ?? "*/5 * * * * *"}`)}
      - ${quote("KUBEFOX_GITOPS_LOG_FORMAT=text")}
`;
}

/** Clone URL of the repository `name` served at `host`:`port` (hack/git/server.ts serves `<name>.git`). */
export function repoUrl(host: string, port: number, name: string): string {
  return `http://${host}:${port}/${name}.git`;
}
