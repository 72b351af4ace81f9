// What a platform refuses in a ref's raw manifests, each at the line and column
// of the field that asks: an object in another namespace (DESIGN §3), and what
// the platform's policy forbids (DESIGN §2). One function that `validate`,
// `render` and `run` share, so that what validate passes the others apply
// (issue 15).
import type { Problem } from "../errors.js";
import type { Issue } from "../model/issue.js";
import type { LocatedManifests } from "../model/load-system.js";
import type { Manifest } from "../model/manifests.js";
import type { PlatformTarget } from "./input.js";
import { policyIssues } from "./policy.js";

export function manifestRefusals(system: LocatedManifests, platform: PlatformTarget): Problem[] {
  return system.manifests.flatMap((manifest) =>
    refusalsOf(manifest, platform).map((issue) => system.locateManifest(manifest, issue)),
  );
}

function refusalsOf({ object }: Manifest, platform: PlatformTarget): Issue[] {
  const { name, namespace } = object.metadata;
  if (namespace && namespace !== platform.namespace) {
    return [
      {
        path: ["metadata", "namespace"],
        message: `${object.kind} ${name} is in namespace ${namespace}; everything of platform ${platform.name} lives in ${platform.namespace}`,
      },
    ];
  }
  return policyIssues(object, platform);
}
