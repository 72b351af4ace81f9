import { describe, expect, it } from "vitest";
import { loadControl, type ControlModel } from "../model/load-control.js";
import { MemoryTree } from "../model/memory-tree.js";
import { pushMayConcern } from "./push-scope.js";

const platform = (name: string, spec: string) =>
  `apiVersion: kubefox.io/v1alpha1\nkind: Platform\nmetadata: {name: ${name}}\nspec: ${spec}\n`;

async function control(): Promise<ControlModel> {
  const loaded = await loadControl(
    new MemoryTree({
      "environments/prod.yaml":
        "apiVersion: kubefox.io/v1alpha1\nkind: Environment\nmetadata: {name: prod}\nspec: {}\n",
      "platforms/mine.yaml": platform(
        "mine",
        "{namespace: a, deployments: [{ref: branch/feature}, {ref: id/0123456789abcdef}]}",
      ),
      "platforms/released.yaml": platform(
        "released",
        "{namespace: b, releases: [{environment: prod, ref: tag/v*}]}",
      ),
      "platforms/theirs.yaml": platform(
        "theirs",
        "{namespace: c, deployments: [{ref: branch/other}]}",
      ),
    }),
  );
  expect(loaded.problems).toEqual([]);
  return loaded.model;
}

describe("pushMayConcern", () => {
  const ownsMine = (p: string) => p === "mine";
  const ownsReleased = (p: string) => p === "released";

  it.each<[string, string[], (p: string) => boolean, boolean]>([
    ["the branch a platform it writes follows", ["refs/heads/feature"], ownsMine, true],
    ["only a branch another replica's platform follows", ["refs/heads/other"], ownsMine, false],
    ["the control branch, whoever follows what", ["refs/heads/main"], ownsMine, true],
    [
      "a tag, to a replica with a platform that releases tags",
      ["refs/tags/v2.0.0"],
      ownsReleased,
      true,
    ],
    [
      "a tag, to a replica whose platforms follow branches and ids",
      ["refs/tags/v2.0.0"],
      ownsMine,
      false,
    ],
    ["a pull request's ref", ["refs/pull/7/head"], ownsMine, false],
    ["one of several refs", ["refs/heads/other", "refs/heads/feature"], ownsMine, true],
    ["anything, to a replica that writes no platform", ["refs/heads/feature"], () => false, false],
  ])("%s: %s", async (_, refs, owns, concerns) => {
    expect(pushMayConcern(refs, await control(), "main", owns)).toBe(concerns);
  });
});
