import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../errors.js";
import { FsTree } from "./fs-tree.js";
import type { FieldPath } from "./issue.js";
import { loadSystem, type SystemModel } from "./load-system.js";
import { MemoryTree, type MemoryEntry } from "./memory-tree.js";
import type { ReadResult, Tree, TreeEntry } from "./tree.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const fixture = (name: string) => new FsTree(path.join(root, "test/fixtures/model", name));

const system = "apiVersion: kubefox.io/v1alpha1\nkind: System\nmetadata: {name: shop}\nspec: {}\n";
const app = (name: string, components = "web: {image: web:1}") =>
  `apiVersion: kubefox.io/v1alpha1\nkind: App\nmetadata: {name: ${name}}\nspec:\n  components: {${components}}\n`;

async function problemsOf(entries: Record<string, MemoryEntry>): Promise<string[]> {
  const loaded = await loadSystem(new MemoryTree(entries));
  return loaded.ok ? [] : loaded.problems.map(formatProblem);
}

describe("loadSystem", () => {
  it("reads the system of DESIGN §2, defaults filled in", async () => {
    const loaded = await loadSystem(fixture("design"));
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join("\n"));
    const { model } = loaded;
    expect(model.name).toBe("shop");
    expect(model.system.spec).toEqual({ title: "Shop", description: "The online shop" });
    expect(Object.keys(model.apps)).toEqual(["store"]);
    const web = model.apps.store!.spec.components.web!;
    expect(web.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(web.env.DB_PASSWORD).toBe("{{.Secrets.dbPassword}}");
    expect(web.mounts[1]).toEqual({
      secret: "shop-tls",
      mountPath: "/etc/tls",
      subPath: "tls.crt",
    });
    expect(
      model.manifests.map((m) => `${m.file} ${m.object.kind}/${m.object.metadata.name}`),
    ).toEqual([
      "manifests/store/settings.yaml ConfigMap/shop-settings",
      "manifests/store/settings.yaml ServiceAccount/shop-web",
    ]);
  });

  it("reads repo-template with no problems", async () => {
    const loaded = await loadSystem(new FsTree(path.join(root, "repo-template")));
    expect(loaded.ok ? [] : loaded.problems.map(formatProblem)).toEqual([]);
    expect(loaded.ok && Object.keys(loaded.model.apps.hello!.spec.components)).toEqual([
      "web",
      "worker",
    ]);
  });

  it.each<[string, Record<string, MemoryEntry>, string[]]>([
    [
      "an empty tree",
      {},
      ["kubefox.yaml:1:1: is missing: every ref holds a kubefox.yaml of kind System"],
    ],
    [
      "only apps",
      { "apps/web/app.yaml": app("web") },
      ["kubefox.yaml:1:1: is missing: every ref holds a kubefox.yaml of kind System"],
    ],
    [
      "an empty kubefox.yaml",
      { "kubefox.yaml": "" },
      ["kubefox.yaml:1:1: is empty; expected a System document"],
    ],
    [
      "a comment-only kubefox.yaml",
      { "kubefox.yaml": "# todo\n" },
      ["kubefox.yaml:1:1: is empty; expected a System document"],
    ],
    [
      "kubefox.yaml as a folder",
      { "kubefox.yaml/x": "a" },
      ["kubefox.yaml:1:1: is a folder; expected a file"],
    ],
    [
      "kubefox.yaml as a link",
      { "kubefox.yaml": { type: "symlink" } },
      ["kubefox.yaml:1:1: is a symbolic link, and links are not followed; expected a file"],
    ],
    [
      "two documents in kubefox.yaml",
      { "kubefox.yaml": `${system}---\n${system}` },
      ["kubefox.yaml:6:1: holds 2 YAML documents; a System file holds exactly one"],
    ],
    [
      "apps as a file",
      { "kubefox.yaml": system, apps: "x" },
      ["apps:1:1: is a file; expected a folder of apps"],
    ],
    [
      "a YAML file in apps/",
      { "kubefox.yaml": system, "apps/web.yaml": app("web"), "apps/README.md": "# apps" },
      ["apps/web.yaml:1:1: is a file; apps/ holds one folder per app, each with an app.yaml"],
    ],
    [
      "an app folder without app.yaml",
      { "kubefox.yaml": system, "apps/web/deployment.yaml": "x: 1" },
      ["apps/web/app.yaml:1:1: is missing: every folder in apps/ is an app and holds an app.yaml"],
    ],
    [
      "app.yaml as a link",
      { "kubefox.yaml": system, "apps/web/app.yaml": { type: "symlink" } },
      ["apps/web/app.yaml:1:1: is a symbolic link, and links are not followed; expected a file"],
    ],
    [
      "an app named after another folder",
      { "kubefox.yaml": system, "apps/web/app.yaml": app("api") },
      ['apps/web/app.yaml:3:18: metadata.name "api" must match the folder name "web"'],
    ],
    [
      "one nodePort for two apps",
      {
        "kubefox.yaml": system,
        "apps/a/app.yaml": app(
          "a",
          "web: {image: x, ports: [{name: http, containerPort: 80, nodePort: 30080}]}",
        ),
        "apps/b/app.yaml": app(
          "b",
          "web: {image: x, ports: [{name: http, containerPort: 80, nodePort: 30080}]}",
        ),
      },
      ["apps/b/app.yaml:5:82: nodePort 30080 is also used by component a/web"],
    ],
    [
      "manifests as a file",
      { "kubefox.yaml": system, manifests: "x" },
      ["manifests:1:1: is a file; expected a folder"],
    ],
    [
      "manifests that are not objects",
      {
        "kubefox.yaml": system,
        "manifests/a.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n- a list\n---\nkind: Secret\nmetadata: {name: 7}\n",
        "manifests/b.yml": "x: 1",
        "manifests/notes.txt": "not read",
      },
      [
        "manifests/a.yaml:5:1: the document must be a map, got a list",
        'manifests/a.yaml:7:1: the document is missing required field "apiVersion"',
        'manifests/a.yaml:8:18: metadata.name must be a string, got 7 (quote it: "7")',
        "manifests/b.yml:1:1: is not read: name it b.yaml",
      ],
    ],
    [
      "one object twice",
      {
        "kubefox.yaml": system,
        "manifests/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
        "manifests/sub/b.yaml":
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: other}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
      },
      ["manifests/sub/b.yaml:7:18: ConfigMap a is already defined at manifests/a.yaml:3"],
    ],
    [
      "manifests nested too deeply",
      { "kubefox.yaml": system, [`manifests/${"d/".repeat(16)}x.yaml`]: "x: 1" },
      [`manifests/${"d/".repeat(15)}d:1:1: is more than 16 folders deep; it is not read`],
    ],
  ])("reports %s", async (_, entries, expected) => {
    expect(await problemsOf(entries)).toEqual(expected);
  });

  it("reads at most 1000 manifest files", async () => {
    const entries: Record<string, MemoryEntry> = { "kubefox.yaml": system };
    for (let i = 0; i < 1001; i++) {
      entries[`manifests/m${String(i).padStart(4, "0")}.yaml`] =
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m${i}}\n`;
    }
    expect(await problemsOf(entries)).toEqual([
      "manifests/m1000.yaml:1:1: is not read: at most 1000 files under manifests/ are",
    ]);
  });

  it("turns a Tree that throws into problems", async () => {
    const failing = (where: "list" | "read"): Tree => {
      const inner = new MemoryTree({ "kubefox.yaml": system, "apps/web/app.yaml": app("web") });
      return {
        label: "failing",
        list: async (dir: string): Promise<TreeEntry[] | undefined> => {
          if (where === "list" && dir === "apps") throw new Error("corrupt tree object 1a2b3c4");
          return inner.list(dir);
        },
        read: async (file: string, max: number): Promise<ReadResult> => {
          if (where === "read" && file === "kubefox.yaml")
            throw new Error("object 5d6e7f8 missing");
          return inner.read(file, max);
        },
      };
    };
    const listed = await loadSystem(failing("list"));
    expect(listed.ok ? [] : listed.problems.map(formatProblem)).toEqual([
      "apps:1:1: could not be listed: corrupt tree object 1a2b3c4",
    ]);
    const read = await loadSystem(failing("read"));
    expect(read.ok ? [] : read.problems.map(formatProblem)).toEqual([
      "kubefox.yaml:1:1: could not be read: object 5d6e7f8 missing",
    ]);
  });
});

describe("SystemModel.locate", () => {
  const web = `apiVersion: kubefox.io/v1alpha1
kind: App
metadata: {name: web}
spec:
  components:
    web:
      image: web:1
      env:
        GREETING: "hello from {{.Env.region}}"
        MOTD: |
          hi {{.Env.site}}
`;

  async function loaded(entries: Record<string, MemoryEntry>): Promise<SystemModel> {
    const result = await loadSystem(new MemoryTree(entries));
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
    return result.model;
  }

  it.each<[string, string, FieldPath, number | undefined, string]>([
    [
      "a string, at an offset into it",
      "apps/web/app.yaml",
      ["spec", "components", "web", "env", "GREETING"],
      11,
      "apps/web/app.yaml:9:31: m",
    ],
    [
      "a string, at its start",
      "apps/web/app.yaml",
      ["spec", "components", "web", "env", "GREETING"],
      undefined,
      "apps/web/app.yaml:9:19: m",
    ],
    [
      "a block scalar, at its start whatever the offset",
      "apps/web/app.yaml",
      ["spec", "components", "web", "env", "MOTD"],
      3,
      "apps/web/app.yaml:10:15: m",
    ],
    [
      "a field the file lacks, at the nearest one it has",
      "apps/web/app.yaml",
      ["spec", "components", "web", "ports"],
      undefined,
      "apps/web/app.yaml:6:5: m",
    ],
    [
      "a file the model was not read from",
      "apps/other/app.yaml",
      ["spec"],
      0,
      "apps/other/app.yaml:1:1: m",
    ],
  ])("places a problem in %s", async (_, file, path, offset, expected) => {
    const model = await loaded({ "kubefox.yaml": system, "apps/web/app.yaml": web });
    expect(formatProblem(model.locate(file, path, "m", offset))).toBe(expected);
  });

  it("keeps own fields plain data, so that the model clones and serializes as before", async () => {
    const model = await loaded({ "kubefox.yaml": system, "apps/web/app.yaml": web });
    expect(Object.keys(model).sort()).toEqual(["apps", "manifests", "name", "system"]);
    expect(structuredClone(model.apps)).toEqual(model.apps);
    const plain = { name: model.name, system: model.system, apps: model.apps, manifests: [] };
    expect(structuredClone(model)).toEqual(plain);
    expect(JSON.parse(JSON.stringify(model))).toEqual(plain);
  });

  it("hands over the apps that loaded when the system does not, to check beside its problems", async () => {
    const result = await loadSystem(
      new MemoryTree({
        "kubefox.yaml": "kind: System\n",
        "apps/web/app.yaml": web,
        "apps/bad/app.yaml": app("bad", "web: {}"),
      }),
    );
    if (result.ok) throw new Error("expected problems");
    expect(Object.keys(result.partial?.apps ?? {})).toEqual(["web"]);
    const greeting = ["spec", "components", "web", "env", "GREETING"];
    expect(formatProblem(result.partial!.locate("apps/web/app.yaml", greeting, "m", 11))).toBe(
      "apps/web/app.yaml:9:31: m",
    );
    const none = await loadSystem(new MemoryTree({ "apps/bad/app.yaml": app("bad", "web: {}") }));
    expect(none.ok === false && "partial" in none).toBe(false);
  });
});
