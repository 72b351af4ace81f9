// The control branch's files (DESIGN §2): environments/, configs/,
// platforms/ and notifications/ (issue 14), each `<name>.yaml` with metadata.name equal to <name>. Files that
// are valid are in the model; every problem, in a file or between files, is
// listed beside it. A caller that needs the whole branch sound checks that
// `problems` is empty.
import type { ConfigDoc } from "../../schemas/config.js";
import type { EnvironmentDoc } from "../../schemas/environment.js";
import type { NotificationDoc } from "../../schemas/notification.js";
import type { PlatformDoc } from "../../schemas/platform.js";
import { describeError, type Problem } from "../errors.js";
import { checkControlRefs } from "./control-refs.js";
import { loadKindFile, type KindFile } from "./kind-file.js";
import { byPosition } from "./problem-order.js";
import type { Tree, TreeEntry } from "./tree.js";
import type { ParsedDocument } from "./yaml-document.js";
import { baseName, describeType, listFolder, problemAt, yamlFilesIn } from "./tree-files.js";

export interface ControlModel {
  /** By name, in name order; each as its file says (see resolveVars for inheritance). */
  environments: Record<string, EnvironmentDoc>;
  configs: Record<string, ConfigDoc>;
  platforms: Record<string, PlatformDoc>;
  /** Which alerts go to which receiver (issue 14). */
  notifications: Record<string, NotificationDoc>;
}

export interface LoadedControl {
  model: ControlModel;
  problems: Problem[];
}

export const CONTROL_DIRS = ["environments", "configs", "platforms", "notifications"] as const;

type ControlKind = "Environment" | "Config" | "Platform" | "Notification";

function emptyModel(): ControlModel {
  return { environments: {}, configs: {}, platforms: {}, notifications: {} };
}

export async function loadControl(tree: Tree): Promise<LoadedControl> {
  try {
    return await load(tree);
  } catch (err) {
    return {
      model: emptyModel(),
      problems: [problemAt(".", `the control files could not be loaded: ${describeError(err)}`)],
    };
  }
}

async function load(tree: Tree): Promise<LoadedControl> {
  const root = await listFolder(tree, "");
  if ("problem" in root) {
    return { model: emptyModel(), problems: [root.problem] };
  }
  const entry = (name: string) => root.entries.find((e) => e.name === name);
  const environments = await loadFolder(tree, entry("environments"), "environments", "Environment");
  const configs = await loadFolder(tree, entry("configs"), "configs", "Config");
  const platforms = await loadFolder(tree, entry("platforms"), "platforms", "Platform");
  const notifications = await loadFolder(
    tree,
    entry("notifications"),
    "notifications",
    "Notification",
  );
  const problems = [
    ...environments.problems,
    ...configs.problems,
    ...platforms.problems,
    ...notifications.problems,
    ...checkControlRefs({
      environments: environments.parsed,
      platforms: platforms.parsed,
      present: { environments: environments.present, configs: configs.present },
    }),
  ];
  const docs = <K extends ControlKind>(m: Map<string, KindFile<K>>) =>
    Object.fromEntries([...m].map(([name, file]) => [name, file.doc]));
  return {
    model: {
      environments: docs(environments.loaded),
      configs: docs(configs.loaded),
      platforms: docs(platforms.loaded),
      notifications: docs(notifications.loaded),
    },
    problems: problems.sort(byPosition),
  };
}

interface LoadedFolder<K extends ControlKind> {
  /** The files that are valid. */
  loaded: Map<string, KindFile<K>>;
  /** Every file that parsed as one document, valid or not, for cross-references. */
  parsed: Map<string, ParsedDocument>;
  /** Every file present. */
  present: Set<string>;
  problems: Problem[];
}

async function loadFolder<K extends ControlKind>(
  tree: Tree,
  entry: TreeEntry | undefined,
  dir: string,
  kind: K,
): Promise<LoadedFolder<K>> {
  const result: LoadedFolder<K> = {
    loaded: new Map(),
    parsed: new Map(),
    present: new Set(),
    problems: [],
  };
  if (!entry) return result;
  if (entry.type !== "dir") {
    result.problems.push(
      problemAt(dir, `is ${describeType(entry.type)}; expected a folder of ${kind} files`),
    );
    return result;
  }
  const { files, problems } = await yamlFilesIn(tree, dir);
  result.problems.push(...problems);
  for (const file of files) {
    const name = baseName(file);
    result.present.add(name);
    const loaded = await loadKindFile(tree, file, kind, { name, from: "file name" });
    if (loaded.ok) result.loaded.set(name, loaded.value);
    else result.problems.push(...loaded.problems);
    const source = loaded.ok ? loaded.value.source : loaded.source;
    if (source) result.parsed.set(name, source);
  }
  return result;
}
