// The read-only view the status API is answered from (issue 6): an adapter
// from what the controller already knows (its repositories' refs and control
// files, each platform's last status, the watch caches) to the shapes of
// webhooks/api/types.ts. Nothing here writes, and no request reaches an API
// server when a watch cache knows the answer. What is read from Git lives in
// git-reader.ts, the events stream and its pod watches in
// event-stream.ts.
import type {
  KubernetesObject,
  V1Deployment,
  V1Ingress,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from "@kubernetes/client-node";
import type { Cluster } from "../cluster/pool.js";
import type { ManagedCache } from "../cluster/cache.js";
import { labels } from "../cluster/labels.js";
import type { Controller } from "../sync/controller.js";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import { EventStream, type PodWatch } from "./event-stream.js";
import { controlDirs, GitReader, invalid } from "./git-reader.js";
import { ApiError } from "../../webhooks/api/envelope.js";
import {
  configObject,
  environmentObject,
  platformObject,
  systemMetadata,
  systemObject,
} from "./shapes.js";
import { buildTopology } from "./topology.js";
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
} from "../../webhooks/api/types.js";
import { apiVersion } from "../../webhooks/api/types.js";

export { historyDepth } from "./git-reader.js";

export class ControllerStatusView implements StatusView {
  private readonly git: GitReader;
  private readonly events: EventStream;

  constructor(
    private readonly controller: Controller,
    log: Logger,
  ) {
    this.git = new GitReader(controller.repositories);
    this.events = new EventStream(controller, log);
  }

  // --- systems -----------------------------------------------------------

  async systemNames(): Promise<string[]> {
    const names = await Promise.all(
      this.controller.repositories.map((r) => this.git.systemName(r)),
    );
    return [...new Set(names)].sort();
  }

  async systemHead(name: string): Promise<SystemHead | undefined> {
    const repo = await this.git.repositoryNamed(name);
    if (!repo) return undefined;
    const s = repo.status;
    const id = s.controlId ?? "";
    const loaded = id ? await this.git.systemAtCommit(repo, id) : undefined;
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
    const repo = await this.git.repositoryNamed(name);
    if (!repo) return undefined;
    const refs = repo.gitSource?.refs();
    const ids = [
      ...(refs?.branches.values() ?? []),
      ...[...(refs?.tags ?? [])]
        .filter(([tag]) => !refs?.nonCommitTags.has(tag))
        .map(([, id]) => id),
      ...(await this.git.history(repo)).map((c) => c.id),
    ];
    return [...new Set(ids)];
  }

  async systemBranches(name: string): Promise<string[] | undefined> {
    const repo = await this.git.repositoryNamed(name);
    return repo && [...(repo.gitSource?.refs().branches.keys() ?? [])].sort();
  }

  async systemTags(name: string): Promise<string[] | undefined> {
    const repo = await this.git.repositoryNamed(name);
    return repo && this.git.commitTags(repo).map(([tag]) => tag);
  }

  async systemAt(name: string, at: SystemAt): Promise<SystemObject | undefined> {
    const repo = await this.git.repositoryNamed(name);
    const source = repo?.gitSource;
    if (!repo || !source) return undefined;
    let commit: string | undefined;
    let gitRef: string;
    if ("id" in at) {
      commit = await this.git.findCommit(source, at.id);
      gitRef = `id/${commit ?? at.id}`;
    } else if ("branch" in at) {
      commit = source.refs().branches.get(at.branch);
      gitRef = `branch/${at.branch}`;
    } else {
      commit = this.git.commitTags(repo).find(([tag]) => tag === at.tag)?.[1];
      gitRef = `tag/${at.tag}`;
    }
    if (!commit) return undefined;
    const loaded = await this.git.systemAtCommit(repo, commit);
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
    const names = this.controller.repositories.flatMap((r) => this.git.controlFileNames(r, kind));
    return [...new Set(names)].sort();
  }

  async controlObject(
    kind: ControlKind,
    name: string,
    at?: ControlAt,
  ): Promise<EnvironmentObject | ConfigObject | undefined> {
    const repo = this.controller.repositories.find((r) =>
      this.git.controlFileNames(r, kind).includes(name),
    );
    const source = repo?.gitSource;
    if (!repo || !source) return undefined;
    const file = `${controlDirs[kind]}/${name}.yaml`;
    const system = await this.git.systemName(repo);
    const control = repo.status.controlId;

    if (!at) {
      const doc = repo.control?.model[controlDirs[kind]][name];
      if (!control) return undefined;
      if (!doc) throw invalid(`${kind} ${name} is invalid`, this.git.fileProblems(repo, file));
      const id = (await this.git.blobId(source, repo, control, file)) ?? "";
      const where = { id, system, commit: control, gitRef: `branch/${repo.status.controlBranch}` };
      return kind === "environment"
        ? environmentObject(doc as Parameters<typeof environmentObject>[0], where)
        : configObject(doc as Parameters<typeof configObject>[0], where);
    }

    let found: { commit: string; id: string; gitRef?: string } | undefined;
    if ("tag" in at) {
      const commit = this.git.commitTags(repo).find(([tag]) => tag === at.tag)?.[1];
      const id = commit && (await this.git.blobId(source, repo, commit, file));
      if (commit && id) found = { commit, id, gitRef: `tag/${at.tag}` };
    } else {
      if (!/^[0-9a-f]{7,40}$/i.test(at.id)) return undefined;
      const prefix = at.id.toLowerCase();
      const matches = new Map<string, string>();
      for (const commit of await this.git.controlCommits(repo)) {
        const id = await this.git.blobId(source, repo, commit, file);
        if (id?.startsWith(prefix) && !matches.has(id)) matches.set(id, commit);
      }
      if (matches.size > 1)
        throw new ApiError(400, `id ${at.id} of ${kind} ${name} is ambiguous: give more digits`);
      const [entry] = matches;
      if (entry) found = { id: entry[0], commit: entry[1] };
    }
    if (!found) return undefined;
    return this.git.loadControlFile(kind, name, source, found, system);
  }

  async controlIds(kind: ControlKind, name: string): Promise<string[] | undefined> {
    const repo = this.controller.repositories.find((r) =>
      this.git.controlFileNames(r, kind).includes(name),
    );
    const source = repo?.gitSource;
    if (!repo || !source) return undefined;
    const file = `${controlDirs[kind]}/${name}.yaml`;
    const ids: string[] = [];
    for (const commit of await this.git.controlCommits(repo)) {
      const id = await this.git.blobId(source, repo, commit, file);
      if (id) ids.push(id);
    }
    return [...new Set(ids)];
  }

  async controlTags(kind: ControlKind, name: string): Promise<string[] | undefined> {
    const repo = this.controller.repositories.find((r) =>
      this.git.controlFileNames(r, kind).includes(name),
    );
    const source = repo?.gitSource;
    if (!repo || !source) return undefined;
    const file = `${controlDirs[kind]}/${name}.yaml`;
    const tags: string[] = [];
    for (const [tag, commit] of this.git.commitTags(repo))
      if (await this.git.blobId(source, repo, commit, file)) tags.push(tag);
    return tags;
  }

  // --- platforms -----------------------------------------------------------

  async platformNames(): Promise<string[]> {
    const names = this.controller.repositories.flatMap((r) => [
      ...Object.keys(r.control?.model.platforms ?? {}),
      ...this.git.problemNames(r, "platforms"),
    ]);
    return [...new Set(names)].sort();
  }

  async platform(name: string): Promise<PlatformObject | undefined> {
    const found = this.git.platformDoc(name);
    if (!found) return undefined;
    const { repo, doc } = found;
    const control = repo.status.controlId;
    const id =
      control && repo.gitSource
        ? ((await this.git.blobId(repo.gitSource, repo, control, `platforms/${name}.yaml`)) ?? "")
        : "";
    const status = repo.platforms.get(name)?.status;
    return platformObject(doc, { id, system: await this.git.systemName(repo) }, status);
  }

  async topology(name: string): Promise<Topology | undefined> {
    const found = this.git.platformDoc(name);
    if (!found) return undefined;
    const { repo, doc } = found;
    const namespace = doc.spec.namespace;
    let cluster: Cluster;
    let watch: PodWatch;
    try {
      cluster = this.controller.clusters.get(doc.spec.cluster?.context);
      watch = this.events.podWatch(cluster);
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
      system: status?.system || (await this.git.systemName(repo)),
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
    return this.events.subscribe(listener);
  }

  /** Stops listening to the bus and stops the pod watches. */
  async close(): Promise<void> {
    await this.events.close();
  }
}
