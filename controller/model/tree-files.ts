// Reading folders and files through a Tree, with every way that can go wrong
// (absent, a link, a folder where a file belongs, too large, unreadable) turned
// into a Problem on that path. A Tree that throws does not stop the loader.
import { describeError, type Problem } from "../errors.js";
import type { Tree, TreeEntry, TreeEntryType } from "./tree.js";
import { MAX_FILE_BYTES } from "./limits.js";
import { parseYamlFile, type YamlFile } from "./yaml-file.js";

/** A problem with a whole file or folder, placed at its start. */
export function problemAt(file: string, message: string): Problem {
  return { file, line: 1, col: 1, message };
}

export function joinPath(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

/** What an entry is, for "is ..." messages. */
export function describeType(type: TreeEntryType): string {
  switch (type) {
    case "symlink":
      return "a symbolic link, and links are not followed";
    case "dir":
      return "a folder";
    case "file":
      return "a file";
    default:
      return "not a regular file (a submodule, device or socket)";
  }
}

export async function listFolder(
  tree: Tree,
  dir: string,
): Promise<{ entries: TreeEntry[] } | { problem: Problem }> {
  try {
    return { entries: (await tree.list(dir)) ?? [] };
  } catch (err) {
    return { problem: problemAt(dir || ".", `could not be listed: ${describeError(err)}`) };
  }
}

/** The file's YAML documents, or why there are none. */
export async function readYaml(tree: Tree, file: string): Promise<YamlFile> {
  const none = (message: string): YamlFile => ({
    documents: [],
    problems: [problemAt(file, message)],
  });
  try {
    const read = await tree.read(file, MAX_FILE_BYTES);
    switch (read.kind) {
      case "file":
        return parseYamlFile(file, read.data);
      case "missing":
        return none("is missing");
      case "too-large":
        return none(
          `is ${read.size} bytes; files of more than ${MAX_FILE_BYTES} bytes are not read`,
        );
      case "not-a-file":
        return none(`is ${describeType(read.type)}; expected a file`);
    }
  } catch (err) {
    return none(`could not be read: ${describeError(err)}`);
  }
}

/**
 * The `.yaml` files directly in a flat folder (environments/, configs/,
 * platforms/). A `.yml` file or a link named `.yaml` is a problem rather than
 * silently skipped: someone meant it to be read. Other names are left alone.
 */
export async function yamlFilesIn(
  tree: Tree,
  dir: string,
): Promise<{ files: string[]; problems: Problem[] }> {
  const listed = await listFolder(tree, dir);
  if ("problem" in listed) return { files: [], problems: [listed.problem] };
  const files: string[] = [];
  const problems: Problem[] = [];
  for (const entry of listed.entries) {
    const path = joinPath(dir, entry.name);
    if (entry.name.endsWith(".yml")) {
      problems.push(problemAt(path, `is not read: name it ${entry.name.slice(0, -4)}.yaml`));
    } else if (!entry.name.endsWith(".yaml")) {
      continue;
    } else if (entry.type === "file") {
      files.push(path);
    } else {
      problems.push(problemAt(path, `is ${describeType(entry.type)}; expected a file`));
    }
  }
  return { files, problems };
}

/** The base name of `dir/name.yaml`. */
export function baseName(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1).replace(/\.yaml$/, "");
}
