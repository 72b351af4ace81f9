// manifests/**/*.yaml (DESIGN §2): raw Kubernetes objects applied with every
// deployment of a ref. Each document must at least be an object with
// apiVersion, kind and metadata.name; the API server checks the rest on apply.
import type { KubeObject } from "../../schemas/manifest.js";
import type { Problem } from "../errors.js";
import { MAX_DOCUMENTS_PER_FILE, MAX_MANIFEST_FILES, MAX_MANIFEST_FOLDER_DEPTH } from "./limits.js";
import { schemaIssues } from "./schema-issues.js";
import type { Tree, TreeEntry } from "./tree.js";
import { describeType, joinPath, listFolder, problemAt, readYaml } from "./tree-files.js";
import { validateManifest } from "./validators.js";
import type { ParsedDocument } from "./yaml-document.js";

export interface Manifest {
  /** The file it came from, relative to the tree's root. */
  file: string;
  /** Which of the file's documents it is (empty ones not counted), to find its lines again. */
  document: number;
  object: KubeObject;
}

export const MANIFESTS_DIR = "manifests";

export async function loadManifests(
  tree: Tree,
  entry: TreeEntry,
): Promise<{ manifests: Manifest[]; texts: Map<string, string>; problems: Problem[] }> {
  const texts = new Map<string, string>();
  if (entry.type !== "dir") {
    return {
      manifests: [],
      texts,
      problems: [problemAt(MANIFESTS_DIR, `is ${describeType(entry.type)}; expected a folder`)],
    };
  }
  const { files, problems } = await findYamlFiles(tree);
  const manifests: Manifest[] = [];
  const defined = new Map<string, string>();
  for (const file of files) {
    const { documents, problems: fileProblems } = await readYaml(tree, file);
    problems.push(...fileProblems);
    if (documents.length > MAX_DOCUMENTS_PER_FILE) {
      problems.push(
        problemAt(
          file,
          `holds ${documents.length} documents; at most ${MAX_DOCUMENTS_PER_FILE} are read`,
        ),
      );
      continue;
    }
    documents.forEach((doc, index) => {
      const checked = validateManifest(doc.data);
      if (!checked.ok) {
        problems.push(...schemaIssues(checked.errors, doc.data).map((i) => doc.locate(i)));
        return;
      }
      const clash = duplicate(checked.value, doc, defined);
      if (clash) problems.push(clash);
      manifests.push({ file, document: index, object: checked.value });
      texts.set(file, doc.text);
    });
  }
  return { manifests, texts, problems };
}

/** Two documents for one object would overwrite each other on every apply. */
function duplicate(
  object: KubeObject,
  doc: ParsedDocument,
  defined: Map<string, string>,
): Problem | undefined {
  const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : "";
  const key = `${group}/${object.kind}/${object.metadata.namespace ?? ""}/${object.metadata.name}`;
  const at = doc.locate({ path: ["metadata", "name"], message: "" });
  const first = defined.get(key);
  if (first === undefined) {
    defined.set(key, `${at.file}:${at.line}`);
    return undefined;
  }
  return {
    ...at,
    message: `${object.kind} ${object.metadata.name} is already defined at ${first}`,
  };
}

/** Every `.yaml` file under manifests/, depth-first in name order, within the limits. */
async function findYamlFiles(tree: Tree): Promise<{ files: string[]; problems: Problem[] }> {
  const files: string[] = [];
  const problems: Problem[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_MANIFEST_FOLDER_DEPTH) {
      problems.push(
        problemAt(dir, `is more than ${MAX_MANIFEST_FOLDER_DEPTH} folders deep; it is not read`),
      );
      return;
    }
    const listed = await listFolder(tree, dir);
    if ("problem" in listed) {
      problems.push(listed.problem);
      return;
    }
    for (const entry of listed.entries) {
      const path = joinPath(dir, entry.name);
      if (entry.type === "dir") await visit(path, depth + 1);
      // A link may stand for a folder of manifests: say it is not read rather than skip it quietly.
      else if (entry.type === "symlink")
        problems.push(problemAt(path, `is ${describeType(entry.type)}`));
      else if (entry.name.endsWith(".yml")) {
        problems.push(problemAt(path, `is not read: name it ${entry.name.slice(0, -4)}.yaml`));
      } else if (!entry.name.endsWith(".yaml")) continue;
      else if (entry.type !== "file")
        problems.push(problemAt(path, `is ${describeType(entry.type)}; expected a file`));
      else if (files.length >= MAX_MANIFEST_FILES) {
        problems.push(
          problemAt(path, `is not read: at most ${MAX_MANIFEST_FILES} files under manifests/ are`),
        );
        return;
      } else files.push(path);
    }
  };
  await visit(MANIFESTS_DIR, 1);
  return { files, problems };
}
