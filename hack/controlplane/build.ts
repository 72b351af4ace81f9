// Builds the local control plane from Kubernetes' own Go modules (hack/controlplane
// and hack/kwok) into a cache outside the repository, keyed by the versions and
// the exact inputs, and reuses it. Where KUBEBUILDER_ASSETS points at binaries a
// user already has (setup-envtest), those are used instead.
import { createHash } from "node:crypto";
import { access, chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { constants } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";

export type ComponentName =
  "etcd" | "kube-apiserver" | "kube-controller-manager" | "kube-scheduler" | "kwok";

export interface ControlPlaneBinaries {
  /** Absolute path of each binary. */
  paths: Record<ComponentName, string>;
  kubernetesVersion: string;
  etcdVersion: string;
  kwokVersion: string;
  /** Where the built binaries live (or KUBEBUILDER_ASSETS). */
  dir: string;
  /** KWOK's own stage definitions (node-fast, heartbeat with lease, pod-fast). */
  kwokStages: string;
}

const hackDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const controlPlaneModule = path.join(hackDir, "controlplane");
const kwokModule = path.join(hackDir, "kwok");

interface BuildStep {
  name: ComponentName;
  module: string;
  pkg: string;
  ldflags: (v: Versions) => string;
}

interface Versions {
  kubernetes: string;
  etcd: string;
  kwok: string;
}

function kubeVersionFlags(v: Versions): string {
  const [major, minor] = v.kubernetes.replace(/^v/, "").split(".");
  // Kubernetes stamps its version through these variables; without them
  // `--version` says v0.0.0-master and version-skew checks misbehave.
  return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]
    .flatMap((p) => [
      `-X ${p}.gitVersion=${v.kubernetes}`,
      `-X ${p}.gitMajor=${major}`,
      `-X ${p}.gitMinor=${minor}`,
      `-X ${p}.gitTreeState=clean`,
    ])
    .join(" ");
}

const steps: BuildStep[] = [
  {
    name: "kube-apiserver",
    module: controlPlaneModule,
    pkg: "k8s.io/kubernetes/cmd/kube-apiserver",
    ldflags: kubeVersionFlags,
  },
  {
    name: "kube-controller-manager",
    module: controlPlaneModule,
    pkg: "k8s.io/kubernetes/cmd/kube-controller-manager",
    ldflags: kubeVersionFlags,
  },
  {
    name: "kube-scheduler",
    module: controlPlaneModule,
    pkg: "k8s.io/kubernetes/cmd/kube-scheduler",
    ldflags: kubeVersionFlags,
  },
  { name: "etcd", module: controlPlaneModule, pkg: "./etcd", ldflags: () => "" },
  {
    name: "kwok",
    module: kwokModule,
    pkg: "sigs.k8s.io/kwok/cmd/kwok",
    ldflags: (v) => `-X sigs.k8s.io/kwok/pkg/consts.Version=${v.kwok.replace(/^v/, "")}`,
  },
];

export const componentNames: ComponentName[] = steps.map((s) => s.name);

/** The versions pinned by the two Go wrapper modules. */
export async function pinnedVersions(): Promise<Versions> {
  const cpMod = await readFile(path.join(controlPlaneModule, "go.mod"), "utf8");
  const kwokMod = await readFile(path.join(kwokModule, "go.mod"), "utf8");
  const find = (text: string, mod: string) => {
    const match = new RegExp(
      `^\\s*(?:require\\s+)?${mod.replaceAll(".", "\\.")} (v\\S+)`,
      "m",
    ).exec(text);
    if (!match?.[1]) throw new Error(`hack: no version of ${mod} in go.mod`);
    return match[1];
  };
  return {
    kubernetes: find(cpMod, "k8s.io/kubernetes"),
    etcd: find(cpMod, "go.etcd.io/etcd/server/v3"),
    kwok: find(kwokMod, "sigs.k8s.io/kwok"),
  };
}

export function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "kubefox-gitops", "controlplane");
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function goVersion(): Promise<string> {
  try {
    const { stdout } = await execa("go", ["env", "GOVERSION"]);
    return stdout.trim();
  } catch {
    throw new Error(
      "hack: Go is not installed (no `go` on PATH). The local control plane is built from " +
        "Kubernetes' Go modules and needs Go 1.24 or newer. Install Go, or set KUBEBUILDER_ASSETS " +
        "to a folder that holds kube-apiserver and etcd (setup-envtest's assets).",
    );
  }
}

/** A key that changes whenever anything that goes into the binaries changes. */
async function inputsKey(go: string, versions: Versions): Promise<string> {
  const hash = createHash("sha256").update(go);
  hash.update(JSON.stringify(steps.map((s) => [s.name, s.pkg, s.ldflags(versions)])));
  for (const file of [
    path.join(controlPlaneModule, "go.mod"),
    path.join(controlPlaneModule, "go.sum"),
    path.join(controlPlaneModule, "etcd", "main.go"),
    path.join(kwokModule, "go.mod"),
    path.join(kwokModule, "go.sum"),
  ]) {
    hash.update(await readFile(file));
  }
  return hash.digest("hex").slice(0, 12);
}

export interface EnsureOptions {
  /** Progress lines for a person watching; defaults to stderr. */
  log?: (line: string) => void;
}

/**
 * Returns the control plane's binaries, building them first when the cache
 * lacks them. A cold build takes many minutes on 2 cores; later calls are instant.
 */
export async function ensureControlPlane(
  options: EnsureOptions = {},
): Promise<ControlPlaneBinaries> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const versions = await pinnedVersions();
  const assets = process.env.KUBEBUILDER_ASSETS;
  const fromAssets: Partial<Record<ComponentName, string>> = {};
  if (assets) {
    for (const name of componentNames) {
      const candidate = path.join(assets, name);
      if (await exists(candidate)) fromAssets[name] = candidate;
    }
    if (!fromAssets["kube-apiserver"] || !fromAssets.etcd) {
      throw new Error(
        `hack: KUBEBUILDER_ASSETS=${assets} does not hold both kube-apiserver and etcd; ` +
          "unset it to build the control plane from source.",
      );
    }
  }
  const missing = componentNames.filter((n) => !fromAssets[n]);
  let dir = assets ?? "";
  const paths = { ...fromAssets } as Record<ComponentName, string>;
  if (missing.length > 0) {
    const go = await goVersion();
    dir = path.join(cacheRoot(), `${versions.kubernetes}-${await inputsKey(go, versions)}`);
    for (const name of missing) paths[name] = path.join(dir, name);
    const absent: ComponentName[] = [];
    for (const name of missing) if (!(await exists(paths[name]))) absent.push(name);
    if (absent.length > 0) await build(dir, absent, versions, log);
  }
  const kwokStages = path.join(cacheRoot(), `kwok-stages-${versions.kwok}.yaml`);
  if (!(await fileExists(kwokStages))) await writeKwokStages(kwokStages);
  return {
    paths,
    dir,
    kubernetesVersion: versions.kubernetes,
    etcdVersion: versions.etcd,
    kwokVersion: versions.kwok,
    kwokStages,
  };
}

// The stages KWOK runs with are KWOK's own (its kustomize/stage folder, shipped in
// its Go module): nodes become Ready and keep a lease, pods become Running and
// Ready, and deleted pods go away.
const kwokStageFiles = [
  "kustomize/stage/node/fast/node-initialize.yaml",
  "kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
  "kustomize/stage/pod/fast/pod-ready.yaml",
  "kustomize/stage/pod/fast/pod-complete.yaml",
  "kustomize/stage/pod/fast/pod-delete.yaml",
];

async function writeKwokStages(target: string): Promise<void> {
  const { stdout } = await execa("go", ["list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kwok"], {
    cwd: kwokModule,
  });
  const parts: string[] = [];
  for (const rel of kwokStageFiles)
    parts.push(await readFile(path.join(stdout.trim(), rel), "utf8"));
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  await writeFile(partial, parts.map((p) => p.trim()).join("\n---\n") + "\n");
  await rename(partial, target);
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function build(
  dir: string,
  names: ComponentName[],
  versions: Versions,
  log: (line: string) => void,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const started = Date.now();
  log(
    `hack: building the control plane (Kubernetes ${versions.kubernetes}, etcd ${versions.etcd}, ` +
      `KWOK ${versions.kwok}) into ${dir}; a cold build takes about 5-10 minutes on 2 cores`,
  );
  const todo = steps.filter((s) => names.includes(s.name));
  for (const [i, step] of todo.entries()) {
    const stepStarted = Date.now();
    log(`hack: [${i + 1}/${todo.length}] go build ${step.name} ...`);
    const partial = path.join(dir, `.${step.name}.${process.pid}.partial`);
    const ticker = setInterval(
      () => log(`hack:   still building ${step.name} (${seconds(stepStarted)})`),
      30_000,
    );
    try {
      await execa(
        "go",
        [
          "build",
          "-trimpath",
          "-ldflags",
          `-s -w ${step.ldflags(versions)}`,
          "-o",
          partial,
          step.pkg,
        ],
        {
          cwd: step.module,
          stdout: "inherit",
          stderr: "inherit",
        },
      );
    } catch (err) {
      await rm(partial, { force: true });
      throw new Error(`hack: building ${step.name} failed: ${(err as Error).message}`);
    } finally {
      clearInterval(ticker);
    }
    await chmod(partial, 0o755);
    // Rename last, so an interrupted build never leaves a truncated binary behind.
    await rename(partial, path.join(dir, step.name));
    log(`hack: [${i + 1}/${todo.length}] ${step.name} built in ${seconds(stepStarted)}`);
  }
  log(`hack: control plane built in ${seconds(started)}`);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(0)}s`;
}
