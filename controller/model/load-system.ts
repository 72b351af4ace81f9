// The system one tree describes (DESIGN §2): kubefox.yaml, apps/<app>/app.yaml
// and manifests/**/*.yaml. Every ref is read with this, from a Git commit or a
// working folder alike; a tree with any problem yields its problems and no model
// (only, for validate, the apps that are valid on their own).
import type { AppDoc } from "../../schemas/app.js";
import type { SystemDoc } from "../../schemas/system.js";
import { describeError, type Problem } from "../errors.js";
import type { FieldPath, Issue } from "./issue.js";
import { loadKindFile } from "./kind-file.js";
import { loadManifests, type Manifest } from "./manifests.js";
import { byPosition } from "./problem-order.js";
import { SourceTexts } from "./source-texts.js";
import type { Tree, TreeEntry } from "./tree.js";
import { describeType, joinPath, listFolder, problemAt } from "./tree-files.js";
import type { ParsedDocument } from "./yaml-document.js";

export interface SystemModel {
  /** The system's name (metadata.name of kubefox.yaml). */
  name: string;
  system: SystemDoc;
  /** Apps by name (their folder's name), in name order. */
  apps: Record<string, AppDoc>;
  /** Raw Kubernetes objects, in file order. */
  manifests: Manifest[];
  /**
   * `message` at the field `path` of `file` (an app's file: see appFile), at
   * `offset` into the string there when given: how a check made after loading
   * points at the line that causes it. A method, not a field: structuredClone
   * and spreading copy the data above and leave it behind.
   */
  locate(file: string, path: FieldPath, message: string, offset?: number): Problem;
  /** The issue at its field in the manifest's document (a method, for the same reason). */
  locateManifest(manifest: Manifest, issue: Issue): Problem;
}

/** What checks of apps against something outside the system read. */
export type LocatedApps = Pick<SystemModel, "apps" | "locate">;

/** What checks of manifests against a platform read. */
export type LocatedManifests = Pick<SystemModel, "manifests" | "locateManifest">;

export type LoadedSystem =
  | { ok: true; model: SystemModel }
  | {
      ok: false;
      problems: Problem[];
      /**
       * The apps and manifests that are valid on their own, when there are any,
       * so that `validate` can check them against environments and platforms
       * and report that beside these problems. Nothing deploys from it.
       */
      partial?: LocatedApps & LocatedManifests;
    };

export const SYSTEM_FILE = "kubefox.yaml";

/** The file that holds app `name`. */
export function appFile(name: string): string {
  return `apps/${name}/app.yaml`;
}

export async function loadSystem(tree: Tree): Promise<LoadedSystem> {
  try {
    return await load(tree);
  } catch (err) {
    // Every step reports its own problems; this is for a bug, so it is this tree's failure only.
    return {
      ok: false,
      problems: [problemAt(SYSTEM_FILE, `could not be loaded: ${describeError(err)}`)],
    };
  }
}

async function load(tree: Tree): Promise<LoadedSystem> {
  const problems: Problem[] = [];
  const root = await listFolder(tree, "");
  if ("problem" in root) return { ok: false, problems: [root.problem] };
  const entry = (name: string) => root.entries.find((e) => e.name === name);

  const system = await loadSystemFile(tree, entry(SYSTEM_FILE), problems);
  const apps = await loadApps(tree, entry("apps"), problems);
  const manifests = entry("manifests");
  const loaded = manifests
    ? await loadManifests(tree, manifests)
    : { manifests: [], texts: new Map<string, string>(), problems: [] };
  problems.push(...loaded.problems);
  problems.push(...nodePortClashes(apps));

  const docs = Object.fromEntries([...apps].map(([name, app]) => [name, app.doc]));
  const texts = new SourceTexts(
    new Map([...apps.values()].map((a) => [a.source.file, a.source.text])),
  );
  const manifestTexts = new SourceTexts(loaded.texts);
  if (problems.length > 0 || !system) {
    problems.sort(byPosition);
    if (apps.size === 0 && loaded.manifests.length === 0) return { ok: false, problems };
    return {
      ok: false,
      problems,
      partial: new Located(docs, loaded.manifests, texts, manifestTexts),
    };
  }
  return {
    ok: true,
    model: new Model(system, docs, loaded.manifests, texts, manifestTexts),
  };
}

/** Apps and manifests with the texts of their files; own fields are plain data only. */
class Located implements LocatedApps, LocatedManifests {
  readonly #sources: SourceTexts;
  readonly #manifestSources: SourceTexts;

  constructor(
    public apps: Record<string, AppDoc>,
    public manifests: Manifest[],
    sources: SourceTexts,
    manifestSources: SourceTexts,
  ) {
    this.#sources = sources;
    this.#manifestSources = manifestSources;
  }

  locate(file: string, path: FieldPath, message: string, offset?: number): Problem {
    return this.#sources.locate(file, path, message, offset);
  }

  locateManifest(manifest: Manifest, issue: Issue): Problem {
    return this.#manifestSources.locateIn(manifest.file, manifest.document, issue);
  }
}

class Model extends Located implements SystemModel {
  name: string;

  constructor(
    public system: SystemDoc,
    apps: Record<string, AppDoc>,
    manifests: Manifest[],
    sources: SourceTexts,
    manifestSources: SourceTexts,
  ) {
    super(apps, manifests, sources, manifestSources);
    this.name = system.metadata.name;
  }
}

async function loadSystemFile(
  tree: Tree,
  entry: TreeEntry | undefined,
  problems: Problem[],
): Promise<SystemDoc | undefined> {
  if (!entry) {
    problems.push(
      problemAt(SYSTEM_FILE, "is missing: every ref holds a kubefox.yaml of kind System"),
    );
    return undefined;
  }
  const loaded = await loadKindFile(tree, SYSTEM_FILE, "System");
  if (!loaded.ok) problems.push(...loaded.problems);
  return loaded.ok ? loaded.value.doc : undefined;
}

interface LoadedApp {
  doc: AppDoc;
  source: ParsedDocument;
}

/** apps/<app>/app.yaml for every folder in apps/. */
async function loadApps(
  tree: Tree,
  entry: TreeEntry | undefined,
  problems: Problem[],
): Promise<Map<string, LoadedApp>> {
  const apps = new Map<string, LoadedApp>();
  if (!entry) return apps;
  if (entry.type !== "dir") {
    problems.push(problemAt("apps", `is ${describeType(entry.type)}; expected a folder of apps`));
    return apps;
  }
  const listed = await listFolder(tree, "apps");
  if ("problem" in listed) {
    problems.push(listed.problem);
    return apps;
  }
  for (const app of listed.entries) {
    const path = joinPath("apps", app.name);
    if (app.type !== "dir") {
      // Only YAML is surely a mistake; a README beside the apps is fine.
      if (/\.ya?ml$/.test(app.name) || app.type !== "file") {
        problems.push(
          problemAt(
            path,
            `is ${describeType(app.type)}; apps/ holds one folder per app, each with an app.yaml`,
          ),
        );
      }
      continue;
    }
    const file = appFile(app.name);
    const inside = await listFolder(tree, path);
    if ("entries" in inside && !inside.entries.some((e) => e.name === "app.yaml")) {
      problems.push(
        problemAt(file, "is missing: every folder in apps/ is an app and holds an app.yaml"),
      );
      continue;
    }
    const loaded = await loadKindFile(tree, file, "App", { name: app.name, from: "folder name" });
    if (loaded.ok) apps.set(app.name, loaded.value);
    else problems.push(...loaded.problems);
  }
  return apps;
}

/** A nodePort is a cluster-wide port: two components asking for one cannot both have it. */
function nodePortClashes(apps: Map<string, LoadedApp>): Problem[] {
  const owners = new Map<number, string>();
  const problems: Problem[] = [];
  for (const [appName, { doc, source }] of apps) {
    for (const [name, component] of Object.entries(doc.spec.components)) {
      component.ports.forEach((port, i) => {
        if (port.nodePort === undefined) return;
        const owner = owners.get(port.nodePort);
        const here = `${appName}/${name}`;
        if (owner === undefined) owners.set(port.nodePort, here);
        else if (owner !== here) {
          problems.push(
            source.locate({
              path: ["spec", "components", name, "ports", i, "nodePort"],
              message: `nodePort ${port.nodePort} is also used by component ${owner}`,
            }),
          );
        }
      });
    }
  }
  return problems;
}
