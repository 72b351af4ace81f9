// The read-only view the status API is answered from (issue 6): an adapter
// from what the controller already knows (its repositories' refs and control
// files, each platform's last status, the watch caches) to the shapes of
// webhooks/api/types.ts. Nothing here writes, and no request reaches an API
// server when a watch cache knows the answer. Systems and blob ids are read
// from Git by commit and kept: a commit never changes.
import type {
  KubernetesObject,
  V1Deployment,
  V1Ingress,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from "@kubernetes/client-node";
import type { Cluster } from "./clusters.js";
import { ManagedCache } from "./cluster/cache.js";
import { labels } from "./cluster/labels.js";
import type { Controller } from "./controller.js";
import type { PlatformEvent, SyncEvent } from "./bus.js";
import { describeError, formatProblem, type Problem } from "./errors.js";
import type { Logger } from "./log.js";
import { loadKindFile } from "./model/kind-file.js";
import { loadSystem, type LoadedSystem } from "./model/load-system.js";
import type { Repository } from "./repository.js";
import type { CommitSummary, GitSource } from "./source/types.js";
import { ApiError } from "../webhooks/api/envelope.js";
import { podChanges, podEvent, podMemory, type PodMemory } from "../webhooks/api/pod-events.js";
import {
  configObject,
  environmentObject,
  platformObject,
  systemMetadata,
  systemObject,
} from "../webhooks/api/shapes.js";
import { buildTopology } from "../webhooks/api/topology.js";
import type {
  ConfigObject,
  ControlAt,
  ControlKind,
  EnvironmentObject,
  PlatformObject,
  StatusView,
  StreamEvent,
  SystemAt,
  SystemHead,
  SystemObject,
  Topology,
} from "../webhooks/api/types.js";
import { apiVersion } from "../webhooks/api/types.js";

/** Commits of the control branch searched for ids (DESIGN §6 leaves the depth open). */
export const historyDepth = 50;

const controlDirs = { environment: "environments", config: "configs" } as const;
const controlKinds = { environment: "Environment", config: "Config" } as const;

interface PodWatch {
  cache: ManagedCache;
  ready: Promise<void>;
  /** What each pod looked like last, by uid: what a change is measured against. */
  seen: Map<string, PodMemory>;
  /** False while the first list arrives: pods that already ran are not news. */
  primed: boolean;
}

export class ControllerStatusView implements StatusView {
  private readonly systems = new Map<string, Promise<LoadedSystem>>();
  private readonly blobs = new Map<string, Promise<string | undefined>>();
  private readonly logs = new Map<string, Promise<CommitSummary[]>>();
  private readonly podWatches = new Map<string, PodWatch>();
  private readonly listeners = new Set<(event: StreamEvent) => void>();
  private readonly detach: () => void;

  constructor(
    private readonly controller: Controller,
    private readonly log: Logger,
  ) {
    const onSync = (e: SyncEvent) =>
      this.emit({ event: "sync", data: { time: new Date().toISOString(), ...e } });
    const onPlatform = (e: PlatformEvent) => {
      this.emit({
        event: "platform",
        data: {
          time: new Date().toISOString(),
          repo: e.repo,
          platform: e.platform.name,
          writes: e.writes,
          ms: e.ms,
          deployments: e.platform.deployments.map((d) => ({
            ref: d.ref,
            id: d.id,
            state: d.state,
          })),
        },
      });
      // Pods are watched only while someone listens to the events stream (and once
      // the topology is asked for): 500 components mean 1,000 more objects in memory.
      if (this.listeners.size > 0) this.watchPodsOf(e.platform.cluster || undefined);
    };
    controller.bus.on("sync", onSync);
    controller.bus.on("platform", onPlatform);
    this.detach = () => {
      controller.bus.off("sync", onSync);
      controller.bus.off("platform", onPlatform);
    };
  }

  // --- systems -----------------------------------------------------------

  async systemNames(): Promise<string[]> {
    const names = await Promise.all(this.controller.repositories.map((r) => this.systemName(r)));
    return [...new Set(names)].sort();
  }

  async systemHead(name: string): Promise<SystemHead | undefined> {
    const repo = await this.repositoryNamed(name);
    if (!repo) return undefined;
    const s = repo.status;
    const id = s.controlId ?? "";
    const loaded = id ? await this.systemAtCommit(repo, id) : undefined;
    const platforms = Object.values(repo.control?.model.platforms ?? {});
    return {
      kind: "System",
      apiVersion,
      id,
      metadata: loaded?.ok ? systemMetadata(loaded.model.system) : { name },
      gitRepo: s.source,
      ...(s.controlBranch ? { gitRef: `branch/${s.controlBranch}` } : {}),
      status: {
        repository: {
          source: s.source,
          ...(s.controlBranch ? { controlBranch: s.controlBranch } : {}),
          ...(s.controlId ? { controlId: s.controlId } : {}),
          controlProblems: [...s.controlProblems],
          ...(s.lastFetchTime ? { lastFetchTime: s.lastFetchTime } : {}),
          ...(s.lastSyncTime ? { lastSyncTime: s.lastSyncTime } : {}),
          ...(s.lastError ? { lastError: s.lastError } : {}),
          syncs: s.syncs,
          synced: repo.synced,
        },
        deployments: platforms.flatMap((p) =>
          p.spec.deployments.map((d) => `${p.metadata.name}/${d.ref}`),
        ),
        releases: platforms.flatMap((p) =>
          p.spec.releases.map((r) => `${p.metadata.name}/${r.environment}`),
        ),
      },
    };
  }

  async systemIds(name: string): Promise<string[] | undefined> {
    const repo = await this.repositoryNamed(name);
    if (!repo) return undefined;
    const refs = repo.gitSource?.refs();
    const ids = [
      ...(refs?.branches.values() ?? []),
      ...[...(refs?.tags ?? [])]
        .filter(([tag]) => !refs?.nonCommitTags.has(tag))
        .map(([, id]) => id),
      ...(await this.history(repo)).map((c) => c.id),
    ];
    return [...new Set(ids)];
  }

  async systemBranches(name: string): Promise<string[] | undefined> {
    const repo = await this.repositoryNamed(name);
    return repo && [...(repo.gitSource?.refs().branches.keys() ?? [])].sort();
  }

  async systemTags(name: string): Promise<string[] | undefined> {
    const repo = await this.repositoryNamed(name);
    return repo && this.commitTags(repo).map(([tag]) => tag);
  }

  async systemAt(name: string, at: SystemAt): Promise<SystemObject | undefined> {
    const repo = await this.repositoryNamed(name);
    const source = repo?.gitSource;
    if (!repo || !source) return undefined;
    let commit: string | undefined;
    let gitRef: string;
    if ("id" in at) {
      commit = await this.findCommit(source, at.id);
      gitRef = `id/${commit ?? at.id}`;
    } else if ("branch" in at) {
      commit = source.refs().branches.get(at.branch);
      gitRef = `branch/${at.branch}`;
    } else {
      commit = this.commitTags(repo).find(([tag]) => tag === at.tag)?.[1];
      gitRef = `tag/${at.tag}`;
    }
    if (!commit) return undefined;
    const loaded = await this.systemAtCommit(repo, commit);
    if (!loaded.ok) throw invalid(`system ${name} at ${gitRef} is invalid`, loaded.problems);
    const [summary] = await source.log(commit, 1).catch(() => []);
    return systemObject(loaded.model, {
      id: commit,
      gitRepo: repo.status.source,
      gitRef,
      ...(summary ? { message: summary.subject } : {}),
    });
  }

  // --- environments and configs -----------------------------------------

  async controlNames(kind: ControlKind): Promise<string[]> {
    const names = this.controller.repositories.flatMap((r) => this.controlFileNames(r, kind));
    return [...new Set(names)].sort();
  }

  async controlObject(
    kind: ControlKind,
    name: string,
    at?: ControlAt,
  ): Promise<EnvironmentObject | ConfigObject | undefined> {
    const repo = this.controller.repositories.find((r) =>
      this.controlFileNames(r, kind).includes(name),
    );
    const source = repo?.gitSource;
    if (!repo || !source) return undefined;
    const file = `${controlDirs[kind]}/${name}.yaml`;
    const system = await this.systemName(repo);
    const control = repo.status.controlId;

    if (!at) {
      const doc = repo.control?.model[controlDirs[kind]][name];
      if (!control) return undefined;
      if (!doc) throw invalid(`${kind} ${name} is invalid`, this.fileProblems(repo, file));
      const id = (await this.blobId(source, repo, control, file)) ?? "";
      const where = { id, system, commit: control, gitRef: `branch/${repo.status.controlBranch}` };
      return kind === "environment"
        ? environmentObject(doc as Parameters<typeof environmentObject>[0], where)
        : configObject(doc as Parameters<typeof configObject>[0], where);
    }

    let found: { commit: string; id: string; gitRef?: string } | undefined;
    if ("tag" in at) {
      const commit = this.commitTags(repo).find(([tag]) => tag === at.tag)?.[1];
      const id = commit && (await this.blobId(source, repo, commit, file));
      if (commit && id) found = { commit, id, gitRef: `tag/${at.tag}` };
    } else {
      if (!/^[0-9a-f]{7,40}$/i.test(at.id)) return undefined;
      const prefix = at.id.toLowerCase();
      const matches = new Map<string, string>();
      for (const commit of await this.controlCommits(repo)) {
        const id = await this.blobId(source, repo, commit, file);
        if (id?.startsWith(prefix) && !matches.has(id)) matches.set(id, commit);
      }
      if (matches.size > 1)
        throw new ApiError(400, `id ${at.id} of ${kind} ${name} is ambiguous: give more digits`);
      const [entry] = matches;
      if (entry) found = { id: entry[0], commit: entry[1] };
    }
    if (!found) return undefined;
    return this.loadControlFile(kind, name, source, found, system);
  }

  async controlIds(kind: ControlKind, name: string): Promise<string[] | undefined> {
    const repo = this.controller.repositories.find((r) =>
      this.controlFileNames(r, kind).includes(name),
    );
    const source = repo?.gitSource;
    if (!repo || !source) return undefined;
    const file = `${controlDirs[kind]}/${name}.yaml`;
    const ids: string[] = [];
    for (const commit of await this.controlCommits(repo)) {
      const id = await this.blobId(source, repo, commit, file);
      if (id) ids.push(id);
    }
    return [...new Set(ids)];
  }

  async controlTags(kind: ControlKind, name: string): Promise<string[] | undefined> {
    const repo = this.controller.repositories.find((r) =>
      this.controlFileNames(r, kind).includes(name),
    );
    const source = repo?.gitSource;
    if (!repo || !source) return undefined;
    const file = `${controlDirs[kind]}/${name}.yaml`;
    const tags: string[] = [];
    for (const [tag, commit] of this.commitTags(repo))
      if (await this.blobId(source, repo, commit, file)) tags.push(tag);
    return tags;
  }

  // --- platforms -----------------------------------------------------------

  async platformNames(): Promise<string[]> {
    const names = this.controller.repositories.flatMap((r) => [
      ...Object.keys(r.control?.model.platforms ?? {}),
      ...this.problemNames(r, "platforms"),
    ]);
    return [...new Set(names)].sort();
  }

  async platform(name: string): Promise<PlatformObject | undefined> {
    const found = this.platformDoc(name);
    if (!found) return undefined;
    const { repo, doc } = found;
    const control = repo.status.controlId;
    const id =
      control && repo.gitSource
        ? ((await this.blobId(repo.gitSource, repo, control, `platforms/${name}.yaml`)) ?? "")
        : "";
    const status = repo.platforms.get(name)?.status;
    return platformObject(doc, { id, system: await this.systemName(repo) }, status);
  }

  async topology(name: string): Promise<Topology | undefined> {
    const found = this.platformDoc(name);
    if (!found) return undefined;
    const { repo, doc } = found;
    const namespace = doc.spec.namespace;
    let cluster: Cluster;
    let watch: PodWatch;
    try {
      cluster = this.controller.clusters.get(doc.spec.cluster?.context);
      watch = this.podWatch(cluster);
      await Promise.all([
        cluster.cache.ensure("apps/v1", "Deployment"),
        cluster.cache.ensure("v1", "Service"),
        cluster.cache.ensure("networking.k8s.io/v1", "Ingress"),
        watch.ready,
      ]);
    } catch (err) {
      throw new ApiError(
        503,
        `the cluster of platform ${name} cannot be read: ${describeError(err)}`,
      );
    }
    const ours = <T extends KubernetesObject>(
      cache: ManagedCache,
      apiVersion: string,
      kind: string,
    ) =>
      cache
        .list(apiVersion, kind, namespace)
        .filter((o) => o.metadata?.labels?.[labels.platform] === name) as T[];
    const status = repo.platforms.get(name)?.status;
    return buildTopology({
      platform: name,
      namespace,
      system: status?.system || (await this.systemName(repo)),
      deployments: ours<V1Deployment>(cluster.cache, "apps/v1", "Deployment"),
      replicaSets: ours<V1ReplicaSet>(watch.cache, "apps/v1", "ReplicaSet"),
      pods: ours<V1Pod>(watch.cache, "v1", "Pod"),
      services: ours<V1Service>(cluster.cache, "v1", "Service"),
      ingresses: ours<V1Ingress>(cluster.cache, "networking.k8s.io/v1", "Ingress"),
      health: [
        ...(status?.deployments ?? []).flatMap((d) => d.components),
        ...(status?.releases ?? []).flatMap((r) => [...r.components, ...r.pendingComponents]),
      ],
    });
  }

  // --- events ----------------------------------------------------------------

  subscribe(listener: (event: StreamEvent) => void): () => void {
    this.listeners.add(listener);
    for (const repo of this.controller.repositories)
      for (const doc of Object.values(repo.control?.model.platforms ?? {}))
        this.watchPodsOf(doc.spec.cluster?.context);
    return () => this.listeners.delete(listener);
  }

  /** Stops listening to the bus and stops the pod watches. */
  async close(): Promise<void> {
    this.detach();
    this.listeners.clear();
    await Promise.all([...this.podWatches.values()].map((w) => w.cache.stop()));
    this.podWatches.clear();
  }

  private emit(event: StreamEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log.warn("an events stream listener failed", { error: describeError(err) });
      }
    }
  }

  private watchPodsOf(context: string | undefined): void {
    try {
      this.podWatch(this.controller.clusters.get(context));
    } catch (err) {
      this.log.warn("cannot watch pods", { cluster: context ?? "", error: describeError(err) });
    }
  }

  /** Is the pod in the namespace of one of this controller's platforms, labelled for it? */
  private ownsPod(pod: V1Pod): boolean {
    const platform = pod.metadata?.labels?.["kubefox.io/platform"];
    if (!platform) return false;
    return this.controller.repositories.some(
      (r) => r.control?.model.platforms[platform]?.spec.namespace === pod.metadata?.namespace,
    );
  }

  /**
   * Pods and ReplicaSets, watched in a cache of their own: the controller's
   * cache turns every change it sees into a drift sync, and pods change all
   * the time without anything to correct.
   */
  private podWatch(cluster: Cluster): PodWatch {
    const known = this.podWatches.get(cluster.context);
    if (known) return known;
    const cache = new ManagedCache(cluster.client, this.log.with({ watch: "pods" }));
    const watch: PodWatch = { cache, ready: Promise.resolve(), seen: new Map(), primed: false };
    cache.onChange((type, obj) => {
      if (obj.kind !== "Pod") return;
      const pod = obj as V1Pod;
      const key = pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      const before = watch.seen.get(key);
      if (type === "delete") watch.seen.delete(key);
      else watch.seen.set(key, podMemory(pod));
      // Other controllers' pods carry our labels too: report only this controller's platforms.
      if (!watch.primed || !this.ownsPod(pod)) return;
      const time = new Date().toISOString();
      for (const change of podChanges(type, before, pod))
        this.emit({ event: "pod", data: podEvent(change, pod, time) });
    });
    watch.ready = Promise.all([
      cache.ensure("v1", "Pod"),
      cache.ensure("apps/v1", "ReplicaSet"),
    ]).then(
      () => {
        watch.primed = true;
      },
      async (err: unknown) => {
        // Forget it, so that the next request tries again.
        this.podWatches.delete(cluster.context);
        await cache.stop();
        throw err;
      },
    );
    watch.ready.catch((err: unknown) =>
      this.log.warn("watching pods failed", {
        cluster: cluster.context,
        error: describeError(err),
      }),
    );
    this.podWatches.set(cluster.context, watch);
    return watch;
  }

  // --- reading Git -----------------------------------------------------------

  /** The system's name from kubefox.yaml on the control branch; else the repository's base name. */
  private async systemName(repo: Repository): Promise<string> {
    const id = repo.status.controlId;
    if (id && repo.gitSource) {
      const loaded = await this.systemAtCommit(repo, id);
      if (loaded.ok) return loaded.model.name;
    }
    const base =
      repo.location
        .replace(/[/\\]+$/, "")
        .split(/[/\\]/)
        .pop() ?? repo.location;
    return base.replace(/\.git$/i, "");
  }

  private async repositoryNamed(name: string): Promise<Repository | undefined> {
    for (const repo of this.controller.repositories)
      if ((await this.systemName(repo)) === name) return repo;
    return undefined;
  }

  private systemAtCommit(repo: Repository, commit: string): Promise<LoadedSystem> {
    const key = `${repo.location}\0${commit}`;
    let loaded = this.systems.get(key);
    if (!loaded) {
      const source = repo.gitSource!;
      loaded = source.tree(commit).then(loadSystem);
      loaded.catch(() => this.systems.delete(key));
      this.systems.set(key, loaded);
      while (this.systems.size > 64) this.systems.delete(this.systems.keys().next().value!);
    }
    return loaded;
  }

  private blobId(
    source: GitSource,
    repo: Repository,
    commit: string,
    file: string,
  ): Promise<string | undefined> {
    const key = `${repo.location}\0${commit}\0${file}`;
    let id = this.blobs.get(key);
    if (!id) {
      id = source.blobId(commit, file).catch(() => undefined);
      this.blobs.set(key, id);
      while (this.blobs.size > 10_000) this.blobs.delete(this.blobs.keys().next().value!);
    }
    return id;
  }

  /** The control branch's last commits, newest first. */
  private history(repo: Repository): Promise<CommitSummary[]> {
    const control = repo.status.controlId;
    const source = repo.gitSource;
    if (!control || !source) return Promise.resolve([]);
    const key = `${repo.location}\0${control}`;
    let log = this.logs.get(key);
    if (!log) {
      log = source.log(control, historyDepth).catch(() => []);
      this.logs.set(key, log);
      while (this.logs.size > 64) this.logs.delete(this.logs.keys().next().value!);
    }
    return log;
  }

  /** Where an environment's or config's ids are looked for: the control branch, its history, every tag. */
  private async controlCommits(repo: Repository): Promise<string[]> {
    const control = repo.status.controlId;
    return [
      ...new Set([
        ...(control ? [control] : []),
        ...(await this.history(repo)).map((c) => c.id),
        ...this.commitTags(repo).map(([, commit]) => commit),
      ]),
    ];
  }

  /** Tags that point at commits, by name. */
  private commitTags(repo: Repository): [string, string][] {
    const refs = repo.gitSource?.refs();
    if (!refs) return [];
    return [...refs.tags]
      .filter(([tag]) => !refs.nonCommitTags.has(tag))
      .sort(([a], [b]) => (a < b ? -1 : 1));
  }

  private async findCommit(source: GitSource, id: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{7,40}$/i.test(id)) return undefined;
    const matches = await source.findCommits(id.toLowerCase());
    if (matches.length > 1)
      throw new ApiError(
        400,
        `id ${id} is ambiguous: ${matches.length} commits match; give more digits`,
      );
    return matches[0];
  }

  private async loadControlFile(
    kind: ControlKind,
    name: string,
    source: GitSource,
    found: { commit: string; id: string; gitRef?: string },
    system: string,
  ): Promise<EnvironmentObject | ConfigObject> {
    const file = `${controlDirs[kind]}/${name}.yaml`;
    const loaded = await loadKindFile(await source.tree(found.commit), file, controlKinds[kind], {
      name,
      from: "file name",
    });
    const where = {
      id: found.id,
      system,
      commit: found.commit,
      ...(found.gitRef ? { gitRef: found.gitRef } : {}),
    };
    if (!loaded.ok)
      throw invalid(
        `${kind} ${name} at ${found.gitRef ?? `id/${found.id}`} is invalid`,
        loaded.problems,
      );
    return loaded.value.doc.kind === "Environment"
      ? environmentObject(loaded.value.doc, where)
      : configObject(loaded.value.doc as Parameters<typeof configObject>[0], where);
  }

  private platformDoc(name: string) {
    for (const repo of this.controller.repositories) {
      const doc = repo.control?.model.platforms[name];
      if (doc) return { repo, doc };
      const problems = this.fileProblems(repo, `platforms/${name}.yaml`);
      if (problems.length > 0) throw invalid(`platform ${name} is invalid`, problems);
    }
    return undefined;
  }

  /** Names in a control folder: the valid files, and those with problems (served as 422). */
  private controlFileNames(repo: Repository, kind: ControlKind): string[] {
    const dir = controlDirs[kind];
    return [...Object.keys(repo.control?.model[dir] ?? {}), ...this.problemNames(repo, dir)];
  }

  private problemNames(repo: Repository, dir: string): string[] {
    const pattern = new RegExp(`^${dir}/([^/]+)\\.yaml$`);
    return (repo.control?.problems ?? [])
      .map((p) => pattern.exec(p.file)?.[1])
      .filter((n): n is string => n !== undefined);
  }

  private fileProblems(repo: Repository, file: string): Problem[] {
    return (repo.control?.problems ?? []).filter((p) => p.file === file);
  }
}

function invalid(message: string, problems: Problem[]): ApiError {
  return new ApiError(422, message, problems.map(formatProblem));
}
