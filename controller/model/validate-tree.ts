// Everything a working tree holds, checked at once: the system (kubefox.yaml,
// apps/, manifests/) and the control files (environments/, configs/,
// platforms/) when they are there. One folder may hold either or both, since
// the control branch is often the default branch of the same repository. With
// both, the apps are checked against every environment a platform uses, and the
// raw manifests against the policy of every platform that deploys them, by the
// same function `render` and `run` refuse them with (issue 15).
import type { Problem } from "../errors.js";
import { platformTarget } from "../render/platform-target.js";
import { manifestRefusals } from "../render/refusals.js";
import { CONTROL_DIRS, loadControl, type ControlModel } from "./load-control.js";
import { checkSystemAgainstEnvironment } from "./environment-check.js";
import {
  loadSystem,
  SYSTEM_FILE,
  type LocatedApps,
  type LocatedManifests,
  type SystemModel,
} from "./load-system.js";
import { MANIFESTS_DIR } from "./manifests.js";
import { environmentsInUse } from "./platform-environments.js";
import { byPosition } from "./problem-order.js";
import type { Tree } from "./tree.js";
import { listFolder } from "./tree-files.js";

export interface TreeReport {
  problems: Problem[];
  /** Present when the tree holds a system and it is valid. */
  system?: SystemModel;
  /** Present when the tree holds control files (valid or not: see problems). */
  control?: ControlModel;
}

export async function validateTree(tree: Tree): Promise<TreeReport> {
  const root = await listFolder(tree, "");
  if ("problem" in root) return { problems: [root.problem] };
  const has = (name: string) => root.entries.some((e) => e.name === name);
  const hasControl = CONTROL_DIRS.some(has);
  // With nothing of either, the missing kubefox.yaml is the problem to report.
  const hasSystem = [SYSTEM_FILE, "apps", MANIFESTS_DIR].some(has) || !hasControl;

  const report: TreeReport = { problems: [] };
  let located: (LocatedApps & LocatedManifests) | undefined;
  if (hasSystem) {
    const system = await loadSystem(tree);
    if (system.ok) report.system = system.model;
    else report.problems.push(...system.problems);
    located = system.ok ? system.model : system.partial;
  }
  if (hasControl) {
    const control = await loadControl(tree);
    report.control = control.model;
    report.problems.push(...control.problems);
    // This tree's apps as the platforms would release (or deploy) them into their environments.
    if (located) {
      for (const env of environmentsInUse(control.model)) {
        report.problems.push(...checkSystemAgainstEnvironment(located, env));
      }
      // Releases apply no raw manifests; deployments do.
      for (const [name, doc] of Object.entries(control.model.platforms)) {
        if (doc.spec.deployments.length === 0) continue;
        report.problems.push(...manifestRefusals(located, platformTarget(name, doc)));
      }
    }
  }
  report.problems.sort(byPosition);
  return report;
}
