// What one platform's deployments and releases would apply, rendered from a
// folder and applied nowhere (issue 15). Each goes through the steps run takes,
// with the same functions: resolve the ref, load the system at that commit,
// refuse what the platform refuses in its manifests, take the environment whole,
// render. A release is its version at the commit its ref resolves to, and its
// front (Services and Ingress) pointing at that version, as after a cut-over;
// its routing Secret comes with placeholders where the controller puts keys.
import type { KubernetesObject, V1Secret } from "@kubernetes/client-node";
import type { PlatformDoc } from "../../../schemas/platform.js";
import {
  describeError,
  errorCode,
  formatProblem,
  PolicyError,
  RefNotFoundError,
  ValidationError,
  type Problem,
} from "../../errors.js";
import type { ControlModel } from "../../model/load-control.js";
import type { SystemModel } from "../../model/load-system.js";
import { problemAt } from "../../model/tree-files.js";
import { renderDeployment } from "../../render/deployment.js";
import type { PlatformTarget } from "../../render/input.js";
import { platformTarget } from "../../render/platform-target.js";
import { manifestRefusals } from "../../render/refusals.js";
import {
  renderReleaseFront,
  renderReleaseVersion,
  routingSecret,
  type RenderedRelease,
} from "../../render/release.js";
import { environmentContext, requireEnvironment } from "../../reconcile/environment.js";
import { atCommit } from "../../reconcile/systems.js";
import type { ResolvedAt, WorkTree } from "./work-tree.js";

export interface PreviewPart {
  kind: "deployment" | "release";
  ref: string;
  /** A release's environment, or the one a deployment takes its vars from. */
  environment?: string;
  /** Not in the platform file: the --ref asked for it. */
  adHoc?: boolean;
  at: ResolvedAt;
  objects: KubernetesObject[];
  warnings: string[];
  /** A release's `<env>-routing` Secret, with placeholders for its keys: shown, never applied. */
  routingSecret?: V1Secret;
}

export interface PreviewFailure {
  kind: "deployment" | "release";
  ref: string;
  environment?: string;
  at?: ResolvedAt;
  error: unknown;
}

export interface Preview {
  platform: PlatformTarget;
  parts: PreviewPart[];
  failures: PreviewFailure[];
  /**
   * Deployments and releases of the platform file whose ref resolves to nothing yet
   * (a release's `tag/v*` before the first tag): run reports RefNotFound for each
   * and applies and prunes nothing of it, so a preview shows nothing of it either.
   * A ref asked for with --ref is a failure instead.
   */
  unresolved: PreviewFailure[];
}

/** `release prod (tag/v*)` or `deployment branch/main`, for messages. */
export function describePart(p: PreviewPart | PreviewFailure): string {
  return p.kind === "release" ? `release ${p.environment} (${p.ref})` : `deployment ${p.ref}`;
}

/** A deployment or release whose ref resolves to nothing yet: left out, as run leaves it. */
export function unresolvedLine(u: PreviewFailure, verb: "rendered" | "compared"): string {
  return `${describePart(u)}: not ${verb}: [${errorCode(u.error)}] ${describeError(u.error)}; run applies nothing of it until the ref resolves`;
}

/** What stands in a shown routing Secret where the controller puts 256 random bits. */
export const KEY_PLACEHOLDER = "<256 random bits, made once in the cluster, never shown>";

/** The platform's deployments and releases; with `onlyRef`, those with that ref (or it, as a new deployment). */
export async function previewPlatform(
  tree: WorkTree,
  control: ControlModel,
  name: string,
  doc: PlatformDoc,
  onlyRef?: string,
): Promise<Preview> {
  const platform = platformTarget(name, doc);
  let deployments: { ref: string; environment?: string; adHoc?: boolean }[] = doc.spec.deployments;
  let releases = doc.spec.releases;
  if (onlyRef !== undefined) {
    deployments = deployments.filter((d) => d.ref === onlyRef);
    releases = releases.filter((r) => r.ref === onlyRef);
    if (deployments.length === 0 && releases.length === 0)
      deployments = [{ ref: onlyRef, adHoc: true }];
  }
  const preview: Preview = { platform, parts: [], failures: [], unresolved: [] };
  const failed = (failure: PreviewFailure) =>
    (failure.error instanceof RefNotFoundError && onlyRef === undefined
      ? preview.unresolved
      : preview.failures
    ).push(failure);
  for (const d of deployments) {
    const part = { kind: "deployment" as const, ref: d.ref, ...envOf(d.environment) };
    let at: ResolvedAt | undefined;
    try {
      at = await tree.resolve(d.ref);
      const model = await loadAt(tree, at);
      refuse(manifestRefusals(model, platform));
      const environment = d.environment ? environmentContext(control, d.environment) : undefined;
      // A deployment that names an environment takes it whole: what it lacks is an error.
      if (environment) requireEnvironment(model, environment);
      const rendered = renderDeployment(atCommit(model, at.commit), platform, {
        ref: d.ref,
        ...(environment ? { environment } : {}),
      });
      if (rendered.refusals.length > 0) throw new PolicyError(rendered.refusals.join("\n"));
      preview.parts.push({
        ...part,
        ...(d.adHoc ? { adHoc: true } : {}),
        at,
        objects: rendered.objects,
        warnings: rendered.warnings,
      });
    } catch (error) {
      failed({ ...part, ...(at ? { at } : {}), error });
    }
  }
  for (const r of releases) {
    const part = { kind: "release" as const, ref: r.ref, environment: r.environment };
    let at: ResolvedAt | undefined;
    try {
      const environment = environmentContext(control, r.environment);
      const target = {
        ref: r.ref,
        environment,
        hostNames: control.environments[r.environment]?.spec.hostNames ?? [],
      };
      at = await tree.resolve(r.ref);
      const model = await loadAt(tree, at);
      requireEnvironment(model, environment);
      const system = atCommit(model, at.commit);
      const version = whole(renderReleaseVersion(system, platform, target));
      const front = whole(renderReleaseFront(system, platform, target));
      preview.parts.push({
        ...part,
        at,
        objects: [...version, ...front],
        warnings: [],
        routingSecret: routingSecret(platform, r.environment, {
          public: KEY_PLACEHOLDER,
          private: KEY_PLACEHOLDER,
        }),
      });
    } catch (error) {
      failed({ ...part, ...(at ? { at } : {}), error });
    }
  }
  return preview;
}

function envOf(environment: string | undefined) {
  return environment ? { environment } : {};
}

async function loadAt(tree: WorkTree, at: ResolvedAt): Promise<SystemModel> {
  const loaded = await tree.system(at);
  if (!loaded.ok) throw new ValidationError(loaded.problems);
  return loaded.model;
}

/** What the platform refuses stops the deployment, as in run, said at each field. */
function refuse(problems: Problem[]): void {
  if (problems.length > 0) throw new PolicyRefusal(problems);
}

/** A release is never rendered half-filled: what it lacks fails it, as in run. */
function whole(rendered: RenderedRelease): KubernetesObject[] {
  if (rendered.problems.length > 0) throw new ValidationError(rendered.problems.map(asProblem));
  return rendered.objects;
}

/** "apps/x/app.yaml: message" as a Problem at the file's start (these carry no position). */
function asProblem(text: string): Problem {
  const colon = text.indexOf(": ");
  return colon > 0 && text.slice(0, colon).endsWith(".yaml")
    ? problemAt(text.slice(0, colon), text.slice(colon + 2))
    : problemAt(".", text);
}

/** The PolicyError run reports, keeping each refusal's place for the command line. */
export class PolicyRefusal extends PolicyError {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join("\n"));
  }
}
